"""pytest configuration: hypothesis profiles and shared fixtures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI and local runs are deterministic (derandomized) so a failure reproduces; the
# "thorough" profile explores more (HYPOTHESIS_PROFILE=thorough).
settings.register_profile("default", derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
