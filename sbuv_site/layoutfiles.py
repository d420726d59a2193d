"""Where a layout is read from (the site's layouts folder first, then the built-in ones) and
how messages name the file used: 'layouts/post.html' or '(built-in) sbuv_site/default_layouts/post.html'."""

from __future__ import annotations

import posixpath
import traceback
from collections.abc import Callable
from pathlib import PurePath

import jinja2
from jinja2.loaders import split_template_path

from sbuv_site.defaultfiles import (
    LAYOUTS_FOLDER,
    builtin_layout_shown,
    builtin_layouts_folder,
    read_builtin_layout,
)
from sbuv_site.errors import SiteError
from sbuv_site.sitefiles import Scope, read_layout


class LayoutLoader(jinja2.FileSystemLoader):
    """Loads the site's own layouts from its folder and names them in messages ('layouts/post.html').

    Reads through sitefiles, so a layout (or an `{% include %}`d file) that is a link out of
    the site, a FIFO or a device is a SiteError naming it, never read into a page.
    """

    def __init__(self, folder: str, label: str, root: str | None = None) -> None:
        super().__init__(folder)
        self.folder = str(PurePath(self.searchpath[0]))
        self.label = label.rstrip("/")
        self.scope = Scope.for_folder(root or folder, folder)

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        filename = posixpath.normpath(posixpath.join(self.folder, *split_template_path(template)))
        found = read_layout(filename, f"{self.label}/{template}", self.scope)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        text, uptodate = found
        return text, filename, uptodate


class BuiltinLoader(jinja2.BaseLoader):
    """Loads the layouts the package ships: every one the site's layouts folder does not have."""

    def __init__(self) -> None:
        self.folder = str(PurePath(builtin_layouts_folder()))

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        found = read_builtin_layout(split_template_path(template))
        if found is None:
            raise jinja2.TemplateNotFound(template)
        text, filename = found
        return text, filename, lambda: True  # the package's files do not change during a build


def layout_loader(layouts: str, label: str = "layouts", root: str | None = None) -> jinja2.BaseLoader:
    """The site's layouts folder first, then the built-in layouts: a site overrides single files."""
    return jinja2.ChoiceLoader([LayoutLoader(layouts, label, root), BuiltinLoader()])


def _loaders(env: jinja2.Environment) -> list[jinja2.BaseLoader]:
    loader = env.loader
    if isinstance(loader, jinja2.ChoiceLoader):
        return list(loader.loaders)
    return [loader] if loader is not None else []


def _site_label(env: jinja2.Environment) -> str:
    return next((ld.label for ld in _loaders(env) if isinstance(ld, LayoutLoader)), "layouts")


def shown_layout_file(env: jinja2.Environment, filename: str) -> str | None:
    """A layout's file name as messages show it: 'layouts/post.html' for the site's own,
    '(built-in) sbuv_site/default_layouts/post.html' for the package's; None when neither."""
    for loader in _loaders(env):
        if isinstance(loader, LayoutLoader | BuiltinLoader) and filename.startswith(loader.folder + "/"):
            name = filename[len(loader.folder) + 1:]
            if isinstance(loader, LayoutLoader):
                return f"{loader.label}/{name}"
            return builtin_layout_shown(name)
    return None


def layout_source(env: jinja2.Environment, name: str) -> str:
    """The file a layout name is read from, as messages show it: the site's own, else the built-in one."""
    try:
        filename = env.get_template(name).filename
    except jinja2.TemplateNotFound:
        filename = None
    return (shown_layout_file(env, filename) if filename else None) or f"{_site_label(env)}/{name}"


def missing_layout(exc: jinja2.TemplateNotFound, template: str, env: jinja2.Environment) -> SiteError:
    """A layout asked for by a name that is neither the site's nor built in: say where it was looked for."""
    name = exc.name if isinstance(exc.name, str) else template
    where, line = template_frame(exc, env)
    return SiteError(where or f"{_site_label(env)}/{name}", line,
                     f"layout '{name}' is missing: there is no {_site_label(env)}/{name} "
                     f"and no built-in layout {name}",
                     "check the name in {% extends %} or {% include %}; the built-in layouts are "
                     f"in sbuv_site/{LAYOUTS_FOLDER}/")


def template_frame(exc: BaseException, env: jinja2.Environment) -> tuple[str | None, int | None]:
    """The layout file and line where rendering failed, from Jinja's rewritten traceback."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".svg")):
            return shown_layout_file(env, frame.filename) or frame.filename, frame.lineno
    return None, None
