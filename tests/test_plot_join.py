"""Plots join the default catalog on the normalised title, and by genre overlap where a name is shared."""

from assistant.doctor import DoctorReport, _check_plot_coverage
from knowledge.default_catalog import Plot, join_key, load_default_catalog, match_plots, plot_coverage
from knowledge.titles import Title


def test_shared_names_join_by_genre_overlap_and_ties_stay_unjoined():
    heat = [Title("a", "Heat", 1995, genres=["Crime", "Thriller"]), Title("b", "Heat", 1972, genres=["Comedy"])]
    crime = Plot(join_key("Heat"), "A thief and a detective.", ("crime fiction", "thriller"))
    assert {k: p.text for k, p in match_plots(heat, {crime.key: [crime]}).items()} == {"a": crime.text}
    twins = [Title("c", "The Twin", genres=["Drama"]), Title("d", "Twin", genres=["Drama"])]
    drama = Plot(join_key("Twin"), "Two brothers.", ("drama",))
    assert match_plots(twins, {drama.key: [drama]}) == {}  # same overlap: never guessed
    assert join_key("The Lord & the Rings") == join_key("Lord and the Rings")


def test_a_plot_whose_tags_contradict_the_title_is_another_films():
    godard = Plot(join_key("Breathless"), "A car thief hides out in Paris.",
                  ("crime fiction", "black-and-white", "world cinema", "drama"))
    korean = Plot(join_key("Breathless"), "A debt collector in Seoul.", ("crime fiction", "world cinema", "drama"))
    films = [Title("1960", "Breathless", 1960, genres=["Drama", "Crime"], countries=["France"], languages=["French"]),
             Title("1983", "Breathless", 1983, genres=["Drama", "Crime", "Romance"], countries=["United States"],
                   languages=["English"]),
             Title("2008", "Breathless", 2008, genres=["Drama", "Crime"], countries=["South Korea"],
                   languages=["Korean"])]
    joined = match_plots(films, {godard.key: [godard, korean]})
    assert {k: p.text for k, p in joined.items()} == {"1960": godard.text, "2008": korean.text}
    # A unique name too: the 2004 boxing film is not the 1941 black-and-white comedy of the same name.
    old = Plot(join_key("Million Dollar Baby"), "A heiress gives away money.", ("black-and-white", "comedy"))
    boxing = Title("mdb", "Million Dollar Baby", 2004, genres=["Drama", "Sport"], countries=["United States"])
    assert match_plots([boxing], {old.key: [old]}) == {}


def test_default_catalog_coverage_and_awards():
    titles = load_default_catalog()
    with_plot, total = plot_coverage(titles)
    assert total == 17_472 and with_plot > 1_329  # 1,329 with unique exact names only
    by_id = {t.id: t for t in titles}
    assert by_id["tt0395169"].source.endswith("wikipedia")  # Hotel Rwanda
    assert sum(1 for t in titles if t.awards) == 2_146
    report = DoctorReport()
    _check_plot_coverage(report)
    assert any("plot summary" in c.detail for c in report.checks)
