from knowledge.titles import (
    Title,
    clean_countries,
    clean_genres,
    clean_languages,
    factual_description,
    normalize_title,
    split_list,
)


def test_genre_vocabulary_is_cleaned():
    assert clean_genres("Sci-Fi, Drama, , drama") == ["Science Fiction", "Drama"]
    assert clean_genres(["science fiction", "Sports"]) == ["Science Fiction", "Sport"]


def test_country_and_language_aliases():
    assert clean_countries("West Germany, United States of America") == ["Germany", "United States"]
    assert clean_languages("Standard Chinese, Yue Chinese, multiple languages") == ["Mandarin", "Cantonese"]


def test_split_list_handles_none_lists_and_separators():
    assert split_list(None) == []
    assert split_list("a; b | c, a") == ["a", "b", "c"]
    assert split_list(["x", " ", "x"]) == ["x"]


def test_normalize_title_folds_accents_and_punctuation():
    assert normalize_title("Amélie") == normalize_title("amelie")
    assert normalize_title("Jaws: The Revenge!") == "jaws the revenge"
    assert normalize_title("Fast & Furious") == "fast and furious"


def test_content_hash_changes_with_content_only():
    a = Title(id="x", title="A", year=2000)
    assert a.content_hash() == Title(id="x", title="A", year=2000).content_hash()
    assert a.content_hash() != Title(id="x", title="A", year=2001).content_hash()


def test_factual_description_uses_metadata():
    t = Title(id="x", title="Heat", year=1995, genres=["Crime"], directors=["Michael Mann"], runtime_min=170)
    text = factual_description(t)
    assert "Heat (1995)" in text and "Michael Mann" in text and "170 minutes" in text
