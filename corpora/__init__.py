"""The sample corpus shipped with planctl: installed as the data package ``planctl.corpora``
(see ``planctl.paths.corpus_dir``). Plan files only; this file makes the folder a package."""
