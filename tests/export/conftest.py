"""One real case for the export tests, built once per module through the store and the import pipeline."""

from __future__ import annotations

import pytest

from tests.export.casefile import Built, build_case


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_case(tmp_path_factory.mktemp("case"))
