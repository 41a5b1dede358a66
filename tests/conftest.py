"""The ``--run-slow`` option (tests marked ``slow`` run only when it is given), and the schema
check of every certificate the tests make (tests/schema_checks.py)."""

import pytest
from schema_checks import check_certificates_made


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow", action="store_true", default=False, help="also run tests marked slow"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: give --run-slow to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _certificates_match_their_schema():
    """Every certificate exactrank.certify makes during the run validates against
    docs/schemas/certificate.schema.json (see tests/schema_checks.py: what is checked, what not)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        check_certificates_made(monkeypatch)
        yield
