"""What kind of body an organization of the directory is (`organization.x_organization_type`).

Only the police type changes anything: case details reach a police organization only with the
person's consent (casework.roles). An organization with no type is not police; an import
accepts only the types listed here, so a misspelt "Police" is refused, not let through.
"""

POLICE = "police"
PUBLIC_SERVICE = "public_service"
NGO = "ngo"
INTERNATIONAL = "international"
ORGANIZATION_TYPES = (POLICE, PUBLIC_SERVICE, NGO, INTERNATIONAL)
