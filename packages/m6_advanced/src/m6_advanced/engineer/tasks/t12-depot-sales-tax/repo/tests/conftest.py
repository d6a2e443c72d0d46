import pytest
from factories import make_depot


@pytest.fixture
def depot():
    return make_depot()
