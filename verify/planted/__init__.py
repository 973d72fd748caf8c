"""More planted bugs for ``focalrd selftest``, one module per area.

Every module here (its name not starting with ``_``) defines ``BUGS``, a tuple of
:class:`focalrd.verify.selftest_catalogue.PlantedBug`, each with its ``make``
given inline.  :data:`focalrd.verify.selftest_catalogue.CATALOGUE` appends them,
in module-name order, to the bugs declared in that module; ids must be unique
across the whole catalogue.  The files are part of the self-test fingerprint.
"""

# The catalogue imports every module of this package once it is complete; loading it
# first means importing one of these modules directly does not find it half-built.
from focalrd.verify import selftest_catalogue as _catalogue  # noqa: E402, F401
