"""Département codes read from addresses."""


def departement_code(postcode: str) -> str:
    """The INSEE code of the département of a French postcode or INSEE commune code (five
    characters): « 44 », « 971 » overseas, « 2A » or « 2B » for a Corsican postcode; "" when
    ``postcode`` is not five characters long."""
    if len(postcode) != 5:
        return ""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20") and postcode.isdigit():
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]
