"""The public progress site: ``index.html``, ``p/<code>.html`` per project, ``site.css``.

A static, self-contained site: relative links only, no CDN, no external URL, so it opens
from ``file://`` and from any web host.  Every text from the register goes through
``html.escape``.  It renders only what ``services/publish.py`` hands over, which holds
only the public fields.

The output folder: created when missing; an empty folder is used; a folder holding an
earlier publish (the ``.minsheng-site`` marker, which lists the files it wrote) is
refreshed: the new pages are written aside first and then replace the earlier ones,
pages of projects no longer published removed last; any other non-empty folder is
refused unless ``--force`` (then other files in it are left alone).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from minsheng_cli.domain.errors import Conflict, InvalidValue
from minsheng_cli.render.files import cannot_write, move_into, staging_in
from minsheng_cli.render.site_assets import FILTER_JS, OVERFLOW_JS, SITE_CSS
from minsheng_cli.render.site_pages import index_page, project_page

MARKER = ".minsheng-site"
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")


def check_folder(folder: Path, force: bool) -> None:
    """Refuse a folder that is a file, or holds other things than an earlier publish."""
    if folder.exists() and not folder.is_dir():
        raise InvalidValue("output", str(folder), "a folder (it is a file)")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).is_file() \
            and not force:
        raise Conflict(f"{folder} is not empty and holds no earlier publish ({MARKER}); "
                       "choose an empty or new folder, or add --force")


def page_names(codes: list[str]) -> dict[str, str]:
    """code → a file name safe on every file system and web host: the code itself when
    it is plain ASCII, else (or when two codes differ only in case) a cleaned form with a
    short hash of the code."""
    names, seen = {}, {}
    for code in codes:
        seen.setdefault(code.lower(), []).append(code)
    for code in codes:
        plain = SAFE_NAME.fullmatch(code) and not code.endswith(".")
        if plain and len(seen[code.lower()]) == 1:
            names[code] = f"{code}.html"
        else:
            cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", code).strip("_")[:40]
            digest = hashlib.sha1(code.encode("utf-8")).hexdigest()[:10]
            names[code] = f"{cleaned}-{digest}.html" if cleaned else f"p-{digest}.html"
    return names


def write_site(site: dict, folder: Path, lang: str, force: bool) -> list[str]:
    """Write the site; return the files written, relative to ``folder``.

    Every page is first written into a staging folder inside ``folder``; only when all of
    them are on disk do they replace the earlier publish (renames on one file system), and
    the marker is written last.  A failure half-way (a full disk, a path that cannot be
    written) leaves the earlier site as it was, never a mix of old and new pages."""
    check_folder(folder, force)
    projects = [p for item in site["items"] for p in item["projects"]]
    names = page_names([p["code"] for p in projects])
    written = {"site.css": SITE_CSS,
               "index.html": index_page(site, names, lang, scripts=FILTER_JS + OVERFLOW_JS)}
    for project in projects:
        written[f"p/{names[project['code']]}"] = project_page(site, project, lang,
                                                             scripts=OVERFLOW_JS)
    written[MARKER] = json.dumps({"written_by": "minsheng publish", "as_of": site["as_of"],
                                  "files": [name for name in written]},
                                 ensure_ascii=False, indent=1)
    with staging_in(folder, ".minsheng-staging-") as staging:
        try:
            (staging / "p").mkdir()
            for name, text in written.items():
                (staging / name).write_text(text, encoding="utf-8")
            earlier = earlier_files(folder)
            (folder / "p").mkdir(exist_ok=True)
            # Pages first, the index after them and the marker last; pages of projects no
            # longer published go only then, so no index ever links a page that is missing.
            move_into(staging, folder,
                      sorted(written, key=lambda n: (n == MARKER, n == "index.html")))
            remove_files(folder, earlier - set(written))
        except OSError as error:
            raise cannot_write(folder, error) from error
    return [name for name in written if name != MARKER]


def earlier_files(folder: Path) -> set[str]:
    """The files an earlier publish listed in its marker."""
    try:
        files = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("files", [])
        return set(map(str, files))
    except (OSError, ValueError, AttributeError, TypeError):
        return set()


def remove_files(folder: Path, names: set[str]) -> None:
    """Remove pages of an earlier publish that the new one does not have (a project
    dropped since must not stay online), and nothing outside the site's own folders."""
    root = folder.resolve()
    for name in names:
        path = (folder / name).resolve()
        if path.parent in (root, root / "p") and path.is_file():
            path.unlink()
