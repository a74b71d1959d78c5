"""The Jinja2 environment of the C templates (``templates/c/``)."""
from __future__ import annotations

from functools import lru_cache

import jinja2

from ..errors import CodegenError
from ..resources import data_dir
from . import filters


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("templates") / "c")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        c_ident=filters.c_ident,
        c_float=filters.c_float,
        c_int=filters.c_int,
        c_array=filters.c_array,
        c_string=filters.c_string,
        c_comment=filters.c_comment,
        c_block_comment=filters.c_block_comment,
        c_call=filters.c_call,
        c_trailing_comment=filters.c_trailing_comment,
    )
    return env


def render(template: str, **context) -> str:
    try:
        return environment().get_template(template).render(**context)
    except jinja2.TemplateError as e:
        raise CodegenError(f"template {template}: {type(e).__name__}: {e}") from e
