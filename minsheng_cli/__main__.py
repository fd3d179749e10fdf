"""``python -m minsheng_cli``: the same program as the ``minsheng`` command."""

from minsheng_cli.launch import main

if __name__ == "__main__":
    main()
