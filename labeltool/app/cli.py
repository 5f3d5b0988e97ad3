"""``labeltool`` command line. Each subcommand lives in
``labeltool/app/commands/<name>.py`` with ``add_parser(subparsers)``; its
handler returns an exit code or raises :class:`CLIError`, a
:class:`~labeltool.core.StoreError` or a ``FormatError``, which become a
one-line message and a non-zero exit, never a traceback."""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from labeltool import __version__
from labeltool.core.errors import StoreError
from labeltool.core.images import ImageLoadError

# Module names under labeltool.app.commands, in the order --help lists them.
COMMANDS = ["gui", "init", "stats", "imports", "exports", "train", "predict", "export_model"]
# The names they register, known without importing them: `labeltool FOLDER`
# then builds the gui parser alone (train's imports torch, seconds before the
# window could show). tests/gui/test_startup.py checks the two lists agree.
COMMAND_NAMES = {"gui", "init", "stats", "import", "export", "train", "predict", "export-model"}


class CLIError(Exception):
    """A user error: the message is printed as it is."""


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labeltool",
        description="Label images, export datasets and train models on them.",
    )
    parser.add_argument("--version", action="version", version=f"labeltool {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else only:
        try:
            module = importlib.import_module(f"labeltool.app.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"labeltool.app.commands.{name}":
                continue  # a command not built yet
            raise
        module.add_parser(sub)
    return parser


def _known_error_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [CLIError, StoreError, ImageLoadError]
    try:
        from labeltool.formats.errors import FormatError

        types.append(FormatError)
    except ImportError:
        pass
    return tuple(types)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `labeltool` and `labeltool FOLDER` open the window.
    if not argv or (argv[0] not in COMMAND_NAMES and not argv[0].startswith("-")):
        argv.insert(0, "gui")
    parser = build_parser(["gui"] if argv[0] == "gui" else None)
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
