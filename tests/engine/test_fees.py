"""Fee items in a definition: checked by `forms check`, applied by their conditions."""

from __future__ import annotations

from portal.engine import check_definition, compile_form
from portal.engine.fees import fees_for_answers, is_fixed, lowest_total, total
from tests.engine.test_definition_checks import definition, errors


def radio(name: str, *values: str) -> dict:
    return {"name": name, "type": "radio", "label": {"de": name},
            "options": [{"value": v, "label": {"de": v}} for v in values]}


def fee(code: str, amount: int, condition: str | None = None) -> dict:
    spec = {"code": code, "label": {"de": f"Gebühr {code}"}, "amount": amount}
    if condition:
        spec["condition"] = condition
    return spec


def test_a_duplicate_code_and_a_condition_on_an_unknown_field_are_reported():
    document = definition(radio("klasse", "1", "2"),
                          fees=[fee("grund", 1000), fee("grund", 500, "klase == '1'")])
    found = errors(document)
    assert found["/fees/1/code"] == 'the fee code "grund" is already used by fee 0'
    assert "not a field of this form" in found["/fees/1/condition"]


def test_an_amount_must_be_whole_cents_above_zero_and_the_code_plain():
    document = definition(radio("klasse", "1"),
                          fees=[fee("Grund Gebühr", 0), {"code": "x", "label": {"de": "x"},
                                                         "amount": 12.5}])
    found = errors(document)
    assert "/fees/0/code" in found and "/fees/0/amount" in found and "/fees/1/amount" in found


def test_only_items_whose_condition_holds_apply_at_the_authoritys_amounts():
    document = definition(radio("klasse", "1", "2"),
                          fees=[fee("grund", 1000), fee("gross", 5000, "klasse == '2'")])
    resolved, problems = check_definition(document)
    assert resolved is not None, problems
    form = compile_form(resolved)
    assert [line.code for line in fees_for_answers(form, {"klasse": "1"})] == ["grund"]
    lines = fees_for_answers(form, {"klasse": "2"})
    assert total(lines) == 6000
    # An authority charges its own amount, and 0 drops an item there.
    lines = fees_for_answers(form, {"klasse": "2"}, {"gross": 4200, "grund": 0})
    assert [(line.code, line.amount) for line in lines] == [("gross", 4200)]
    assert lowest_total(form.fees) == 1000 and not is_fixed(form.fees)


def test_an_answer_the_citizen_cannot_see_does_not_make_a_fee_apply():
    hidden = {"name": "art", "type": "radio", "label": {"de": "art"},
              "visible_if": "klasse == '2'",
              "options": [{"value": "a", "label": {"de": "a"}}]}
    document = definition(radio("klasse", "1", "2"), hidden,
                          fees=[fee("art_a", 700, "art == 'a'")])
    resolved, problems = check_definition(document)
    assert resolved is not None, problems
    form = compile_form(resolved)
    assert fees_for_answers(form, {"klasse": "1", "art": "a"}) == []  # art is hidden
    assert total(fees_for_answers(form, {"klasse": "2", "art": "a"})) == 700
    assert lowest_total(form.fees) == 700  # every item has a condition: the cheapest
