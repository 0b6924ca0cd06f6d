"""eslabon: trace criminal movement of people and drugs across US and Mexican records."""

__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: `import eslabon` stays cheap for the CLI
    if name == "Workspace":
        from eslabon.api import Workspace

        return Workspace
    raise AttributeError(name)


__all__ = ["Workspace", "__version__"]
