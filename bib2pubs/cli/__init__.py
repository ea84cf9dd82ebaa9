"""The command line: the click command, the settings file, --watch.

Kept empty so that importing one module loads no other.
"""
