from __future__ import annotations

from anxin.kernel.errors import AnxinError


class TenantExists(AnxinError):
    code = "tenancy.tenant_exists"
    status = 409
    title = "A tenant with this name already exists"


class TenantNotFound(AnxinError):
    code = "tenancy.tenant_not_found"
    status = 404
    title = "No such tenant"


class InvalidTenant(AnxinError):
    code = "tenancy.invalid"
    status = 422
    title = "Invalid tenant name or region"
