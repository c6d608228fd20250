"""Fuzzing the API from its own OpenAPI document: no 5xx, and every response matches the document.

``make test`` tries a bounded number of cases per operation; ``make fuzz`` runs a long session
(``FUZZ_EXAMPLES`` cases per operation).
"""

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from classifier import Detector
from classifier.web import create_app

from ..conftest import train_small_model

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
APP = create_app({"TESTING": True, "DETECTOR": Detector(train_small_model()), "RATE_LIMIT": None,
                  "FEEDBACK_DB": str(Path(tempfile.mkdtemp(prefix="fuzz-feedback-")) / "feedback.sqlite3")})
# Over-limit input is refused with 413 (text, batch or cost too large); that is a rejection too.
REJECTED = ["400", "404", "405", "413", "415", "429"]
CONFIG = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP, config=CONFIG)


# Schema-valid requests the service still refuses, each for a reason JSON Schema cannot express: a text with
# no visible character (whitespace, control or zero-width characters only), and a category id that no category has.
REFUSED_ALTHOUGH_VALID = {(400, "empty_text"), (404, "unknown_category")}


def accepted_unless_empty(ctx, response, case):
    """Schema-valid requests are accepted (2xx), or refused for one of the reasons above."""
    if case.meta is None or not case.meta.generation.mode.is_positive or response.status_code < 400:
        return None
    code = response.json()["error"]["code"]
    assert (response.status_code, code) in REFUSED_ALTHOUGH_VALID, (response.status_code, code)
    return None


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_documented_contract(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance], additional_checks=[accepted_unless_empty])
