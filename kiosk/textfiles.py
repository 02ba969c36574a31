"""Reading the text files people bring (catalogs, order batches): one place for the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from kiosk.errors import InvalidInput

T = TypeVar("T")


def parse_text_file(path: Path, parse: Callable[[Iterable[str]], T], what: str) -> T:
    """Open ``path`` as UTF-8 (a BOM from Windows editors is fine) and hand its lines to ``parse``.

    Args:
        path: the file a person named.
        parse: reads the lines; raises :class:`InvalidInput` for bad content.
        what: what the file should be, for messages ("catalog file", "order file").

    Raises:
        InvalidInput: the file is missing, a folder, or not UTF-8 text.
    """
    try:
        with path.open(encoding="utf-8-sig") as fh:
            return parse(fh)
    except FileNotFoundError:
        raise InvalidInput(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder, not a {what}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not a UTF-8 text file") from None
    except RecursionError:
        # json.loads of a line like [[[[…]]]] nested 100,000 deep.
        raise InvalidInput(
            f"{what} {path}: a line is nested too deeply to read; nothing was changed"
        ) from None
