"""``python -m micro_codegen.qemu_plugin``: build the plugin (if needed) and print its path."""
from . import plugin_path

print(plugin_path())
