"""``labeltool`` command line. Each subcommand lives in
``labeltool/app/commands/<name>.py`` with ``add_parser(subparsers)``; its
handler returns an exit code or raises :class:`CLIError`, a
:class:`~labeltool.core.StoreError`, a ``FormatError`` or an ``EngineError``
(train, predict and export-model are the engine's own commands, see
:mod:`engine.cli`), which become a one-line message and a non-zero exit,
never a traceback."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from labeltool import __version__
from labeltool.core.errors import StoreError
from labeltool.core.images import ImageLoadError

# Command name -> its module under labeltool.app.commands, in the order
# --help lists them. Known without importing the modules, so that a command
# builds its own parser alone (`labeltool stats` imports no tqdm and no
# engine; `labeltool FOLDER` opens the window sooner).
# tests/gui/test_startup.py checks that each module registers its name.
COMMANDS = {"gui": "gui", "init": "init", "stats": "stats", "import": "imports", "export": "exports",
            "convert": "convert", "train": "train", "predict": "predict", "export-model": "export_model"}
COMMAND_NAMES = frozenset(COMMANDS)


class CLIError(Exception):
    """A user error: the message is printed as it is."""


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the commands named in ``only``."""
    parser = argparse.ArgumentParser(
        prog="labeltool",
        description="Label images, export datasets and train models on them.",
    )
    parser.add_argument("--version", action="version", version=f"labeltool {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else only:
        importlib.import_module(f"labeltool.app.commands.{COMMANDS[name]}").add_parser(sub)
    return parser


def _known_error_types() -> tuple[type[BaseException], ...]:
    # Imported only when a command failed: formats pulls in lxml and more.
    from engine.errors import EngineError
    from labeltool.formats.errors import FormatError

    return CLIError, StoreError, ImageLoadError, FormatError, EngineError


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; its exit code. Output piped into a reader that stops
    early (``labeltool stats --json | head -1``) ends quietly, as a Unix
    tool does, not with a BrokenPipeError traceback."""
    try:
        try:
            return _run(argv)
        finally:
            if sys.stdout is not None:
                sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        # The Python docs' recipe: point stdout at devnull so that the flush
        # at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + 13  # what a shell reports for a process ended by SIGPIPE


def _run(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `labeltool` and `labeltool FOLDER` open the window.
    if not argv or (argv[0] not in COMMAND_NAMES and not argv[0].startswith("-")):
        argv.insert(0, "gui")
    parser = build_parser([argv[0]] if argv[0] in COMMANDS else None)  # all of them for --help
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except _known_error_types() as e:
        print(f"labeltool {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"labeltool {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
