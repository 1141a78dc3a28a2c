"""The field types, one module each (or one per family of close relatives).

Importing this package imports every module in it, and each module's
`@field_type` classes register themselves in `portal.engine.fields.FIELD_TYPES`:
adding a type is adding a module here (and its template under
portal/templates/fields/). docs/architecture.md says what a type declares.
"""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
