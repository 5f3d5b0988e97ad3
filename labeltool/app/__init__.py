"""Entry points: the command line and the GUI launcher."""
