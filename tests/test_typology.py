from classifier.typology import load_typology

EXPECTED = {
    "investment": 1, "impersonate_police": 2, "training_certificate": 3, "task_rebate": 4, "fake_shopping": 5,
    "impersonate_customer_service": 6, "loan": 7, "credit_repair": 8, "game_trading": 9, "romance": 10,
    "photo_blackmail": 11, "impersonate_acquaintance": 11, "flight_rebooking": 11, "prize_lottery": 11,
    "ride_hailing_cash": 11, "holiday_voucher": 11, "mule_recruitment": None, "other_fraud": 11, "normal": None,
}
OTHER_FRAUD_SUBTYPES = {"account_phishing", "online_gambling", "fake_job", "pyramid_selling", "virtual_kidnapping",
                        "identity_theft"}


def test_labels_and_white_paper_numbers():
    typology = load_typology()
    assert {c.id: c.white_paper_number for c in typology.categories} == EXPECTED


def test_every_fraud_category_is_complete():
    for category in load_typology().categories:
        assert category.name and category.description and category.summary
        if category.is_fraud:
            assert 3 <= len(category.advice) <= 6, category.id
            assert category.script and category.red_flags and category.if_paid, category.id


def test_other_fraud_gathers_its_subtypes_each_described_like_a_label():
    category = load_typology().get("other_fraud")
    assert {subtype.id for subtype in category.subtypes} == OTHER_FRAUD_SUBTYPES
    for subtype in category.subtypes:
        assert subtype.name and subtype.description and subtype.script and subtype.red_flags and subtype.advice
    assert category.to_dict()["subtypes"][0]["name"]


def test_money_gone_steps_name_the_hotlines():
    steps = "".join(load_typology().already_paid["steps"])
    assert "110" in steps and "96110" in steps


def test_thresholds_are_ordered():
    typology = load_typology()
    levels = typology.thresholds["risk_levels"]
    assert 0 < levels["medium"] < levels["high"] < 1
    assert set(typology.risk_levels) == {"low", "medium", "high"}
