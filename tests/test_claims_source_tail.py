"""A sentence-closing back-reference (", the agency added.") names the source named
earlier; a closing "he said"/"she said" does not (the speaker is often someone else)."""

import pytest

from tolldrift.claims import source_rules


@pytest.mark.parametrize(
    ("sentence", "matches"),
    [
        pytest.param("Another 40 were injured, the agency added.", True, id="the-agency-added"),
        pytest.param("Two were children, the ministry said.", True, id="the-ministry-said"),
        pytest.param("Ten died overnight, it said on Monday.", True, id="it-said"),
        pytest.param("Ten died overnight, he said.", False, id="he-said"),
        pytest.param("Three bodies lay in the road, she said.", False, id="she-said"),
        pytest.param("The agency added that roads were closed.", False, id="not-closing"),
    ],
)
def test_pronoun_tail(sentence, matches):
    assert bool(source_rules().pronoun_tail.search(sentence)) is matches
