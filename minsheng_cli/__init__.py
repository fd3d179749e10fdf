"""minsheng — a supervision register (监督台账) for 重大民生实事项目."""

__version__ = "0.1.0"
