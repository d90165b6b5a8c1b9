"""Metadata and boilerplate on article heads and tails in the styles of outlets the
seed set does not have: wire datelines, bylines, written dates, page furniture."""

import shutil
from datetime import datetime

import pytest

from tolldrift import ingest
from tolldrift.ingest import Meta, clean_author, parse_text, parse_written_date
from tolldrift.lexicon import RuleError, rules_path

FIELDS = ("outlet", "outlet_how", "author", "author_how", "title", "published_at",
          "published_precision", "published_how")
NOTHING = {"outlet": None, "outlet_how": "none", "author": None, "author_how": "none",
           "title": None, "published_at": None, "published_precision": None,
           "published_how": "none"}


def _day(y, m, d, hh=0, mm=0, how="text:date_line", precision=None):
    """Expected published fields."""
    return {"published_at": datetime(y, m, d, hh, mm),
            "published_precision": precision or ("minute" if hh or mm else "day"),
            "published_how": how}


CASES = [
    pytest.param(
        "Floods kill 23 in eastern villages\nKYIV, Ukraine (AP) — Floodwaters killed at least "
        "23 people on Friday, officials said.\nBy JANE DOE and JOHN ROE\n"
        "Copyright 2025 The Associated Press. All rights reserved.",
        {"outlet": "AP", "outlet_how": "text:dateline_agency", "author": "Jane Doe and John Roe",
         "author_how": "text:byline", "title": "Floods kill 23 in eastern villages"},
        [("dateline_agency", "KYIV, Ukraine (AP) — "), ("byline", "By JANE DOE and JOHN ROE"),
         ("copyright", "Copyright 2025 The Associated Press. All rights reserved.")],
        id="ap-dateline-caps-byline-two-authors"),
    pytest.param(
        "GAZA CITY, Jan 5 (Reuters) - Israeli strikes killed at least 14 people overnight, "
        "health officials said.\nReporting by Nidal Hamdan; Editing by Alex Roe\n"
        "Our Standards: The Thomson Reuters Trust Principles.",
        {"outlet": "Reuters", "outlet_how": "text:dateline_agency"},
        [("dateline_agency", "GAZA CITY, Jan 5 (Reuters) - "),
         ("reuters_credits", "Reporting by Nidal Hamdan; Editing by Alex Roe"),
         ("standards", "Our Standards: The Thomson Reuters Trust Principles.")],
        id="reuters-trailer-removed-no-author-taken"),
    pytest.param(
        "Quake toll rises to 120 in Morocco\nBy Jane Doe\n4 minute read\n"
        "March 9, 2025 6:05 PM GMT+1 Updated 2 hours ago\nMARRAKECH, Morocco, Sept 9 (Reuters) - "
        "The death toll rose to 120 on Saturday.\n"
        "(Reporting by Ahmed Roe; writing by Jane Doe; editing by Mark Poe)",
        {"outlet": "Reuters", "outlet_how": "text:dateline_agency", "author": "Jane Doe",
         "author_how": "text:byline", "title": "Quake toll rises to 120 in Morocco",
         **_day(2025, 3, 9, 17, 5)},
        [("byline", "By Jane Doe"), ("reading_time", "4 minute read"),
         ("date_line", "March 9, 2025 6:05 PM GMT+1 Updated 2 hours ago"),
         ("dateline_agency", "MARRAKECH, Morocco, Sept 9 (Reuters) - "),
         ("reuters_credits", "(Reporting by Ahmed Roe; writing by Jane Doe; editing by Mark Poe)")],
        id="reuters-head-gmt-offset-and-bracketed-trailer"),
    pytest.param(
        "Israeli strikes kill 30 across Gaza\nPublished On 7 Mar 20257 Mar 2025\n"
        "Listen to this article\nAt least 30 Palestinians have been killed, the health ministry "
        "said.\nClick here to share on social media\nshare2",
        {"title": "Israeli strikes kill 30 across Gaza",
         **_day(2025, 3, 7, how="text:published_line")},
        [("published_line", "Published On 7 Mar 20257 Mar 2025"),
         ("listen", "Listen to this article"),
         ("click_here", "Click here to share on social media"), ("share", "share2")],
        id="published-on-doubled-date"),
    pytest.param(
        "BEIRUT: At least 12 people were killed in a strike on Sunday, the ministry said.\n"
        "Published: March 7, 2025 10:42 AM EST\nJane Doe | Reuters",
        {"outlet": "Reuters", "outlet_how": "text:author_agency", "author": "Jane Doe",
         "author_how": "text:author_agency",
         **_day(2025, 3, 7, 15, 42, how="text:published_line")},
        [("dateline_caps", "BEIRUT: "),
         ("published_line", "Published: March 7, 2025 10:42 AM EST"),
         ("author_agency", "Jane Doe | Reuters")],
        id="caps-colon-dateline-est-author-pipe-agency"),
    pytest.param(
        "Khartoum, Sudan — Paramilitary forces killed at least 40 civilians, activists said.\n"
        "Written by Jane Doe\nFriday, 7 March 2025\nAdvertisement",
        {"author": "Jane Doe", "author_how": "text:byline", **_day(2025, 3, 7)},
        [("dateline_place", "Khartoum, Sudan — "), ("byline", "Written by Jane Doe"),
         ("date_line", "Friday, 7 March 2025"), ("advertisement", "Advertisement")],
        id="place-country-dash-written-by-weekday-date"),
    pytest.param(
        "Skip to content\nHome News Politics Sport Business Opinion\nMenu\nSearch\n"
        "07.03.2025 14:20\nBridge collapse kills five in river town\nFive people were killed "
        "when a bridge collapsed on Tuesday, police said.\nLoading...\nDownload our app\n"
        "We use cookies to improve your experience. By continuing to browse you agree to our "
        "use of cookies.\nAccept all cookies\nRelated: Storm kills three in the north\n"
        "12 Comments",
        {"title": "Bridge collapse kills five in river town", **_day(2025, 3, 7, 14, 20)},
        [("page_nav", "Skip to content"),
         ("section_menu", "Home News Politics Sport Business Opinion"), ("page_nav", "Menu"),
         ("page_nav", "Search"), ("date_line", "07.03.2025 14:20"), ("loading", "Loading..."),
         ("app", "Download our app"),
         ("cookies", ("We use cookies to improve your experience. By continuing to browse "
                      "you agree to our use of cookies.")),
         ("cookies", "Accept all cookies"),
         ("related", "Related: Storm kills three in the north"),
         ("comments_count", "12 Comments")],
        id="regional-site-nav-day-first-date-title-after-junk"),
    pytest.param(
        "Mar 7, 2025, 6:05 PM GMT+3\nWildfire death toll climbs to 16 | Daily Hills\n"
        "Sixteen people have died in the wildfires, the fire service said.\n"
        "Share on Facebook Share on Twitter Share on WhatsApp\n00:00\nCopy link\n"
        "Comments (4)\nAdvertisement - Scroll to continue",
        {"title": "Wildfire death toll climbs to 16", **_day(2025, 3, 7, 15, 5)},
        [("date_line", "Mar 7, 2025, 6:05 PM GMT+3"),
         ("share", "Share on Facebook Share on Twitter Share on WhatsApp"),
         ("media_timer", "00:00"), ("share", "Copy link"), ("comments_count", "Comments (4)"),
         ("advertisement", "Advertisement - Scroll to continue")],
        id="aggregator-date-before-title"),
    pytest.param(
        "Posted on March 8, 2025 by jdoe\nWhy the toll keeps changing\nAt least 70 people "
        "were killed, the monitor said.\nLike this:\nLike Loading...\nRelated\n"
        "Posted in World | Tagged Syria | 3 Comments",
        {"author": "jdoe", "author_how": "text:date_byline",
         "title": "Why the toll keeps changing", **_day(2025, 3, 8, how="text:date_byline")},
        [("date_byline", "Posted on March 8, 2025 by jdoe"), ("blog_likes", "Like this:"),
         ("blog_likes", "Like Loading..."), ("related", "Related"),
         ("filed_under", "Posted in World | Tagged Syria | 3 Comments")],
        id="blog-posted-on-by"),
    pytest.param(
        "Kinshasa (AFP) – Gunmen killed at least 20 people in eastern Congo on Sunday, "
        "officials said.\n© Agence France-Presse",
        {"outlet": "AFP", "outlet_how": "text:dateline_wire"},
        [("dateline_wire", "Kinshasa (AFP) – "), ("copyright", "© Agence France-Presse")],
        id="titlecase-place-known-wire"),
    pytest.param(
        "Berlin (dpa) - Five people died in a bus crash on Friday, police said.",
        {"outlet": "dpa", "outlet_how": "text:dateline_wire"},
        [("dateline_wire", "Berlin (dpa) - ")],
        id="lowercase-wire-in-dateline"),
    pytest.param(
        "ANKARA (AA) - At least six people died in a landslide, the governor said.\n"
        "Jane Doe   |07.03.2025 - Update : 07.03.2025",
        {"outlet": "Anadolu Agency", "outlet_how": "text:dateline_agency", "author": "Jane Doe",
         "author_how": "text:author_date", **_day(2025, 3, 7, how="text:author_date")},
        [("dateline_agency", "ANKARA (AA) - "),
         ("author_date", "Jane Doe   |07.03.2025 - Update : 07.03.2025")],
        id="agency-alias-author-pipe-date"),
    pytest.param(
        "Dozens dead after storm hits coast\nBy Jane Doe, BBC News\nPublished\n7 March 2025\n"
        "Image source, Getty Images\nImage caption, Houses were flattened in the town\n"
        "Storm winds flattened houses on Friday.\nMore on this story\nTop stories",
        {"outlet": "BBC News", "outlet_how": "text:byline_outlet", "author": "Jane Doe",
         "author_how": "text:byline_outlet", "title": "Dozens dead after storm hits coast",
         **_day(2025, 3, 7)},
        [("byline_outlet", "By Jane Doe, BBC News"), ("date_label", "Published"),
         ("date_line", "7 March 2025"), ("photo_credit", "Image source, Getty Images"),
         ("photo_credit", "Image caption, Houses were flattened in the town"),
         ("more_on", "More on this story"), ("more_on", "Top stories")],
        id="label-and-date-on-two-lines-captions"),
    pytest.param(
        "Five people died in a bus crash on Friday, police said.\nJane Doe, Reuters",
        {"outlet": "Reuters", "outlet_how": "text:author_agency", "author": "Jane Doe",
         "author_how": "text:author_agency"},
        [("author_agency", "Jane Doe, Reuters")],
        id="author-comma-agency"),
    pytest.param(
        "Five people died in a bus crash.\nBy Jane Doe & John Roe",
        {"author": "Jane Doe & John Roe", "author_how": "text:byline"},
        [("byline", "By Jane Doe & John Roe")],
        id="byline-ampersand"),
    pytest.param(
        "Five people died in a bus crash.\nBy Jane Doe, John Roe and Ann Poe, Associated Press",
        {"outlet": "AP", "outlet_how": "text:byline_outlet",
         "author": "Jane Doe, John Roe and Ann Poe", "author_how": "text:byline_outlet"},
        [("byline_outlet", "By Jane Doe, John Roe and Ann Poe, Associated Press")],
        id="byline-three-authors-and-outlet"),
    pytest.param(
        "Five people died in a bus crash.\nBY JANE DOE, STAFF WRITER",
        {"author": "Jane Doe", "author_how": "text:byline_role"},
        [("byline_role", "BY JANE DOE, STAFF WRITER")],
        id="byline-role-is-not-an-outlet"),
    pytest.param(
        "Five people died in a bus crash.\nBy Jane Doe, Middle East correspondent",
        {"author": "Jane Doe", "author_how": "text:byline_role"},
        [("byline_role", "By Jane Doe, Middle East correspondent")],
        id="byline-correspondent"),
    pytest.param(
        "Five people died in a bus crash.\nBy Jane Doe for The Harbour Post",
        {"outlet": "The Harbour Post", "outlet_how": "text:byline_outlet", "author": "Jane Doe",
         "author_how": "text:byline_outlet"},
        [("byline_outlet", "By Jane Doe for The Harbour Post")],
        id="byline-for-outlet"),
    pytest.param(
        "Storm kills nine on the coast\nBy Jane Doe | Published: March 7, 2025, 14:20 CET\n"
        "Nine people died.",
        {"author": "Jane Doe", "author_how": "text:byline_date",
         "title": "Storm kills nine on the coast",
         **_day(2025, 3, 7, 13, 20, how="text:byline_date")},
        [("byline_date", "By Jane Doe | Published: March 7, 2025, 14:20 CET")],
        id="byline-and-date-on-one-line"),
    pytest.param(
        "Storm kills nine on the coast\nAuthor: Jane Doe\nNine people died.",
        {"author": "Jane Doe", "author_how": "text:byline",
         "title": "Storm kills nine on the coast"},
        [("byline", "Author: Jane Doe")],
        id="author-label"),
    pytest.param(
        "Nine people died in the storm.\nUpdated: 2025-03-07T14:20:00+03:00",
        _day(2025, 3, 7, 11, 20, how="text:published_line"),
        [("published_line", "Updated: 2025-03-07T14:20:00+03:00")],
        id="iso-with-offset"),
    pytest.param(
        "Nine people died in the storm.\nUpdated 10:42 a.m. EDT, March 7, 2025",
        _day(2025, 3, 7, 14, 42, how="text:published_line"),
        [("published_line", "Updated 10:42 a.m. EDT, March 7, 2025")],
        id="time-before-date"),
    pytest.param(
        "Nine people died in the storm.\nPublished: 7 March 2025 14:20 IST",
        _day(2025, 3, 7, 14, 20, how="text:published_line"),
        [("published_line", "Published: 7 March 2025 14:20 IST")],
        id="ambiguous-zone-kept-as-written"),
    pytest.param(
        "Nine people died in the storm.\n07/03/2025 14:20",
        {}, [("slashed_date", "07/03/2025 14:20")],
        id="slashed-date-dropped-but-not-read"),
    pytest.param(
        "Nine people died in the storm.\nUpdated 2 hours ago",
        {}, [("relative_time", "Updated 2 hours ago")],
        id="relative-time-dropped-but-not-read"),
    pytest.param(
        "Nine people died in the storm.\nCopyright © 2025 Harbour Daily Media. All rights "
        "reserved.",
        {"outlet": "Harbour Daily Media", "outlet_how": "text:copyright_holder"},
        [("copyright", "Copyright © 2025 Harbour Daily Media. All rights reserved.")],
        id="copyright-holder-is-outlet"),
    pytest.param(
        "Nine people died in the storm.\nCopyright 2025 The Associated Press. All rights "
        "reserved.",
        {"outlet": "AP", "outlet_how": "text:copyright_holder"},
        [("copyright", "Copyright 2025 The Associated Press. All rights reserved.")],
        id="copyright-holder-alias"),
    pytest.param(
        "Nine people died in the storm.\nRescuers search the rubble in the old town. "
        "(AP Photo/Jane Doe)\nCookie settings\nPrivacy Policy | Terms of Use | Contact Us",
        {},
        [("photo_credit", "Rescuers search the rubble in the old town. (AP Photo/Jane Doe)"),
         ("cookies", "Cookie settings"),
         ("site_links", "Privacy Policy | Terms of Use | Contact Us")],
        id="caption-and-footer-links"),
    pytest.param(
        "WASHINGTON — The storm killed nine people, officials said.",
        {}, [("dateline_caps", "WASHINGTON — ")],
        id="caps-place-dash"),
    # headlines that look like metadata stay headlines
    pytest.param(
        "Quake Kills Dozens | Reuters\nAt least 40 people died, officials said.",
        {"title": "Quake Kills Dozens"}, [],
        id="headline-with-agency-suffix-is-not-a-byline"),
    pytest.param(
        "BREAKING: Quake kills 12 in the hills\nTwelve people died, officials said.",
        {"title": "BREAKING: Quake kills 12 in the hills"}, [],
        id="breaking-label-is-not-a-dateline"),
]


@pytest.mark.parametrize(("text", "expected", "removed"), CASES)
def test_unseen_heads_and_tails(text, expected, removed):
    meta = Meta()
    parsed = parse_text(text, meta)
    assert {f: getattr(meta, f) for f in FIELDS} == {**NOTHING, **expected}
    assert [(rule, text[s:e]) for _, s, e, rule in parsed.removed] == removed


PROSE = [
    pytest.param("By Thursday evening, 48 people had died.", id="by-weekday-sentence"),
    pytest.param("By Thursday evening", id="by-weekday-line"),
    pytest.param("By the numbers", id="by-the-numbers-head"),
    pytest.param("By midnight the toll had risen to 60.", id="by-midnight"),
    pytest.param("By Jane Doe's count, 40 people died.", id="by-possessive"),
    pytest.param("Published reports say the toll is higher.", id="published-reports"),
    pytest.param("Updated figures put the toll at 90.", id="updated-figures"),
    pytest.param("March 7, 2025 was the deadliest day.", id="date-starts-sentence"),
    pytest.param("Advertisement boards were torn down by the wind.", id="advertisement-boards"),
    pytest.param("Reporting by state media suggested the toll was higher.",
                 id="reporting-by-in-prose"),
    pytest.param("Editing by hand, the clerk corrected the list.", id="editing-by-hand"),
    pytest.param("Meanwhile, Hamas — which runs Gaza — said 30 had died.",
                 id="comma-dash-in-prose"),
    pytest.param("Human Rights Watch (HRW) – a New York group – said 12 had died.",
                 id="group-acronym-is-not-a-wire"),
    pytest.param("The Syrian Observatory for Human Rights (SOHR) said 70 had died.",
                 id="monitor-acronym"),
    pytest.param("UN: at least 12 killed", id="caps-colon-then-lower-case"),
    pytest.param("Jane Doe, a nurse, said 12 had died.", id="name-comma-apposition"),
    pytest.param("Hamas, Reuters reported, said 30 died.", id="agency-in-prose"),
    pytest.param("Related deaths were reported in the south.", id="related-deaths"),
    pytest.param("Listen to the families, the mayor said.", id="listen-to"),
    pytest.param("Loading bays at the port were destroyed.", id="loading-bays"),
    pytest.param("Search teams found 12 bodies on Friday.", id="search-teams"),
    pytest.param("Home to 20,000 people, the town was flattened.", id="home-to"),
    pytest.param("We use cookies to lure the dogs, a rescuer said.", id="cookies-in-a-quote"),
    pytest.param("Click here, he said, pointing at the map.", id="click-here-in-a-quote"),
    pytest.param("Download the app, officials urged residents, to receive alerts.",
                 id="download-the-app-in-prose"),
    pytest.param("Also read out were the names of the dead.", id="also-read-out"),
    pytest.param("Posted in the window was a list of the missing.", id="posted-in-prose"),
    pytest.param("Share prices fell after the quake.", id="share-prices"),
    pytest.param("Like this year, last year's floods killed dozens.", id="like-this-year"),
    pytest.param("Written off as lost, the village was rebuilt.", id="written-off"),
    pytest.param("The video (photo below) shows the ruins.", id="photo-in-brackets-mid-line"),
]


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_kept_and_yields_no_metadata(line):
    text = "Floods hit the valley.\n" + line
    meta = Meta()
    parsed = parse_text(text, meta)
    assert parsed.removed == []
    assert " ".join(text[s:e] for _, s, e, _ in parsed.sentences[1:]) == line
    assert {f: getattr(meta, f) for f in FIELDS} == NOTHING


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2025-03-07", (datetime(2025, 3, 7), "day"), id="iso-day"),
        pytest.param("07.03.2025 14:20", (datetime(2025, 3, 7, 14, 20), "minute"),
                     id="dotted-day-first"),
        pytest.param("Friday, 7 March 2025", (datetime(2025, 3, 7), "day"), id="weekday"),
        pytest.param("Sept. 9, 2025", (datetime(2025, 9, 9), "day"), id="sept-abbrev"),
        pytest.param("7th March 2025 at 14:20", (datetime(2025, 3, 7, 14, 20), "minute"),
                     id="ordinal-at"),
        pytest.param("Mar 7, 2025, 6:05 PM GMT+3", (datetime(2025, 3, 7, 15, 5), "minute"),
                     id="gmt-plus-is-east"),
        pytest.param("Mar 7, 2025, 6:05 PM GMT-5", (datetime(2025, 3, 7, 23, 5), "minute"),
                     id="gmt-minus-is-west"),
        pytest.param("7 March 2025 14:20 +0300", (datetime(2025, 3, 7, 11, 20), "minute"),
                     id="numeric-offset"),
        pytest.param("March 7, 2025 10:42 AM EST", (datetime(2025, 3, 7, 15, 42), "minute"),
                     id="named-zone"),
        pytest.param("7 March 2025 14:20:30 CET", (datetime(2025, 3, 7, 13, 20, 30), "second"),
                     id="seconds"),
    ],
)
def test_parse_written_date(value, expected):
    assert parse_written_date(value) == expected


@pytest.mark.parametrize("value", [
    pytest.param("7 Smarch 2025", id="not-a-month"),
    pytest.param("yesterday", id="relative"),
])
def test_parse_written_date_rejects(value):
    with pytest.raises(ValueError, match="unrecognised date"):
        parse_written_date(value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("JANE DOE AND JOHN ROE", "Jane Doe and John Roe", id="all-caps"),
        pytest.param("JANE O'DOE", "Jane O'Doe", id="all-caps-apostrophe"),
        pytest.param("fateh", "fateh", id="lower-case-kept"),
        pytest.param("  Jane   McDoe ,", "Jane McDoe", id="space-and-comma"),
    ],
)
def test_clean_author(name, expected):
    assert clean_author(name) == expected


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        pytest.param("'^\\s*{by}(?P<author>{author})\\s*$'", "'^\\s*{bye}(?P<author>{author})$'",
                     "line.byline", id="unknown-part"),
        pytest.param("  EST: -5", "  EST: minus five", "timezones", id="timezone-not-a-number"),
        pytest.param("later_line:\n  author_agency: '",
                     "later_line:\n  author_agency: '(", "later_line.author_agency",
                     id="bad-regex"),
    ],
)
def test_metadata_rule_typo_names_file_and_key(tmp_path, monkeypatch, old, new, key):
    broken = tmp_path / "metadata.yaml"
    shutil.copy(rules_path("metadata.yaml"), broken)
    content = broken.read_text(encoding="utf-8")
    assert old in content
    broken.write_text(content.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setattr(ingest, "rules_path", lambda name: broken)
    with pytest.raises(RuleError) as err:
        ingest.metadata_rules.__wrapped__()
    assert "metadata.yaml" in str(err.value)
    assert err.value.key == key
