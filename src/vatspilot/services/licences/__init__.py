"""Licences: issuance, the signed certificate, the register and the lifecycle to an orderly exit."""
