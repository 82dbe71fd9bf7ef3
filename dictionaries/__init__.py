"""The dictionaries planctl reads at run time, installed as the data package
``planctl.dictionaries`` (see ``planctl.paths.dictionaries_dir``). This file makes the folder a package."""
