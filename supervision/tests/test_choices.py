"""The words of the problem ledger (问题台账), as every page and export shows them."""

from django.utils.translation import override

from supervision.choices import ProblemState


def test_the_problem_states_read_as_the_ledger_says():
    with override("zh-hans"):
        labels = [str(label) for label in ProblemState.labels]
    assert labels == ["待整改", "整改中", "待核验", "已销号", "已重新打开"]
