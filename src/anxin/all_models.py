"""Imports every models.py, so `Base.metadata` describes the whole schema.

Used to autogenerate migrations and by the test that checks the migrations match the models.
"""

from __future__ import annotations

from anxin.access import models as access_models
from anxin.audit import models as audit_models
from anxin.contact import models as contact_models
from anxin.db.base import Base
from anxin.identity import models as identity_models
from anxin.tenancy import models as tenancy_models

MODULES = (access_models, audit_models, contact_models, identity_models, tenancy_models)
metadata = Base.metadata
