"""The command line's settings file: read before the options are parsed,
so that its settings become the options' defaults and the command line
overrides them (``bib2pubs.toml`` or ``[tool.bib2pubs]``, see ``settings``).
"""

from __future__ import annotations

import os
from typing import Final

import click

from bib2pubs.cli.settings import config_arguments, find_config, load_config
from bib2pubs.errors import UsageError, is_out_of_memory
from bib2pubs.trust import file_problem

#: Where the command keeps the settings file it read, and its arguments
#: (for --watch, which runs the whole command again).
CONFIG_PATH: Final = "bib2pubs.config"
ARGUMENTS: Final = "bib2pubs.arguments"


class ConfiguredCommand(click.Command):
    """Reads the config file before the options, so that its settings
    become the options' defaults and the command line overrides them."""

    #: Options that are not settings of a config file.
    _NOT_SETTINGS = frozenset({"help", "version", "config", "no-config"})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        config, disabled = config_arguments(args)
        path = None
        try:
            path = None if disabled else config if config else _found(os.getcwd())
            if path is not None:
                if not os.path.isfile(path):
                    raise UsageError(f"--config {path}: no such file")
                if config:  # the user's own choice: read, but say who else could have written it
                    problem = file_problem(path)
                    if problem:
                        click.echo(f"{path}: warning: {problem}; read because --config names it", err=True)
                ctx.default_map = self._checked(ctx, path, load_config(path, self._settings()))
                ctx.meta[CONFIG_PATH] = str(path)
        except UsageError as error:
            click.echo(str(error), err=True)
            ctx.exit(error.exit_code)
        except Exception as error:  # noqa: BLE001 - no traceback reaches a user, even before the run
            if is_out_of_memory(error):
                click.echo(f"bib2pubs: error: out of memory reading the settings {path or ''}", err=True)
                ctx.exit(1)
            click.echo(f"bib2pubs: error: internal error reading the settings {path or ''}: {error!r}", err=True)
            ctx.exit(70)
        ctx.meta[ARGUMENTS] = list(args)
        return super().parse_args(ctx, args)

    def _checked(self, ctx: click.Context, path: str, settings: dict[str, object]) -> dict[str, object]:
        """The settings, each checked as its option would be, so that a bad
        value is reported with the file's name."""
        for param in self.params:
            if param.name in settings:
                try:
                    param.type_cast_value(ctx, settings[param.name])
                except click.BadParameter as error:
                    raise UsageError(f"{path}: {param.name.replace('_', '-')}: {error.message}") from None
        return settings

    def _settings(self) -> dict[str, tuple[str, str]]:
        settings = {}
        for param in self.params:
            if not isinstance(param, click.Option) or param.name is None:
                continue
            for opt in param.opts:
                name = opt.lstrip("-")
                if opt.startswith("--") and name not in self._NOT_SETTINGS:
                    kind = "multiple" if param.multiple else "flag" if param.is_flag else "single"
                    settings[name] = (param.name, kind)
        return settings


def _found(start: str) -> str | None:
    """The settings file found from ``start``, after warning about any passed over."""
    path, warnings = find_config(start)
    for warning in warnings:
        click.echo(warning, err=True)
    return path
