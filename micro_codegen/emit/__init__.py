"""Code generation: the graph, its OpPlans and the memory plan rendered through the
Jinja2 templates of ``templates/c/`` into a standalone C project (see ``project.py``)."""
from .filters import c_array, c_float, c_ident  # noqa: F401
from .project import GenerateResult, generate_project, prepare_graph, render_project  # noqa: F401
