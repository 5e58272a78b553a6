"""The importers behind :func:`coachkit.importers.import_contacts` (private: import from
:mod:`coachkit.importers`)."""

__all__: list[str] = []
