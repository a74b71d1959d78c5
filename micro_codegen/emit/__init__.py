"""Code generation: a compiled model rendered through the Jinja2 templates of ``templates/c/``
into a standalone C project (see ``project.py``). Renders only: nothing upstream runs here."""
from .filters import c_array, c_float, c_ident  # noqa: F401
from .project import GenerateResult, check_target, render_models, render_project, write_project  # noqa: F401
