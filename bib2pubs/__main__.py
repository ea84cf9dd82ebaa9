"""``python -m bib2pubs``."""

from bib2pubs.cli.entry import main

if __name__ == "__main__":
    main()
