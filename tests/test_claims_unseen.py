"""Casualty claims in wordings the seed articles do not use: other wars, disasters and
outlets. Each row pins one rule (a word, an alias, a scope cue) with the exact claim it
must give; the cases that must yield nothing stand beside them."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from test_claims import C, _project, run

from tolldrift import claims as claims_mod
from tolldrift.lexicon import RuleError, rules_path

DAYS = {"set_start": dt.date(2025, 3, 6), "set_end": dt.date(2025, 3, 8)}

POSITIVE = [
    pytest.param('Fourteen migrants were found dead in the desert near the border, officials said.',
                 [C('Fourteen migrants were found dead', 14, None, 14, 14, 'exact', 'killed',
                    'civilians', 'migrants', 'event_total', 'officials')],
                 id='found-dead'),
    pytest.param('Militants executed seven soldiers captured in the raid.',
                 [C('executed seven soldiers', 7, None, 7, 7, 'exact', 'killed', 'state_forces',
                    'soldiers', 'event_total', None)],
                 id='bare-participle-yields-to-verb'),
    pytest.param('Thirty-one people were hospitalised after the gas leak.',
                 [C('Thirty-one people were hospitalised', 31, None, 31, 31, 'exact', 'injured',
                    'all', 'people', 'event_total', None)],
                 id='hospitalised'),
    pytest.param('Some 120 people were treated for injuries at local hospitals.',
                 [C('Some 120 people were treated for injuries', 120, None, 108, 132, 'approx',
                    'injured', 'all', 'people', 'event_total', None)],
                 id='treated-for-injuries'),
    pytest.param('As many as 300 people may have been killed, the UN said.',
                 [C('As many as 300 people may have been killed', 300, None, None, 300, 'up_to',
                    'killed', 'all', 'people', 'event_total', 'UN')],
                 id='may-have-been-killed'),
    pytest.param('The IDF said 15 rockets were fired and two soldiers were lightly wounded.',
                 [C('two soldiers were lightly wounded', 2, None, 2, 2, 'exact', 'injured',
                    'state_forces', 'soldiers', 'event_total', 'military')],
                 id='adverb-lightly-wounded'),
    pytest.param('Two men were critically injured and one was fatally wounded.',
                 [C('Two men were critically injured', 2, None, 2, 2, 'exact', 'injured', 'all',
                    'men', 'event_total', None),
                  C('one was fatally wounded', 1, None, 1, 1, 'exact', 'killed', 'all', None,
                     'event_total', None)],
                 id='fatally-wounded'),
    pytest.param('Four children were crushed to death when the wall fell.',
                 [C('Four children were crushed to death', 4, None, 4, 4, 'exact', 'killed',
                    'civilians', 'children', 'event_total', None)],
                 id='crushed-to-death'),
    pytest.param('Two workers were electrocuted.',
                 [C('Two workers were electrocuted', 2, None, 2, 2, 'exact', 'killed', 'civilians',
                    'workers', 'event_total', None)],
                 id='electrocuted'),
    pytest.param('Three of the injured later succumbed to their wounds.',
                 [C('Three of the injured later succumbed to their wounds', 3, None, 3, 3, 'exact',
                    'killed', 'all', None, 'event_part', None)],
                 id='succumbed'),
    pytest.param('Six people were swept away by floodwaters.',
                 [C('Six people were swept away by floodwaters', 6, None, 6, 6, 'exact', 'missing',
                    'all', 'people', 'event_total', None)],
                 id='swept-away-missing'),
    pytest.param('At least 170 journalists and media workers have been killed since the war began.',
                 [C('At least 170 journalists and media workers have been killed', 170, None, 170,
                    None, 'at_least', 'killed', 'civilians', 'journalists and media workers',
                    'event_total', None)],
                 id='and-modifier-head'),
    pytest.param('The plane crashed shortly after takeoff, killing all 62 people on board.',
                 [C('killing all 62 people', 62, None, 62, 62, 'exact', 'killed', 'all', 'people',
                    'event_total', None)],
                 id='killing-all-on-board'),
    pytest.param('All 179 passengers and crew were killed.',
                 [C('179 passengers and crew were killed', 179, None, 179, 179, 'exact', 'killed',
                    'civilians', 'passengers and crew', 'event_total', None)],
                 id='crew'),
    pytest.param('More than 700,000 people were forced from their homes.',
                 [C('More than 700,000 people were forced from their homes', 700000, None, 700001,
                    None, 'more_than', 'displaced', 'all', 'people', 'event_total', None)],
                 id='forced-from-homes'),
    pytest.param('The fighting has uprooted nearly 12 million people.',
                 [C('uprooted nearly 12 million people', 12000000, None, 10800000, 11999999,
                    'nearly', 'displaced', 'all', 'people', 'event_total', None)],
                 id='uprooted-verb'),
    pytest.param('About 40,000 people fled to Chad in the past week, the UNHCR said.',
                 [C('About 40,000 people fled', 40000, None, 36000, 44000, 'approx', 'displaced',
                    'all', 'people', 'event_total', 'UN')],
                 id='fled-to'),
    pytest.param('Some 200 families were made homeless by the fire.',
                 [C('Some 200 families were made homeless by the fire', 200, None, 180, 220,
                    'approx', 'displaced', 'civilians', 'families', 'event_total', None)],
                 id='made-homeless'),
    pytest.param('Officials evacuated 12,000 residents ahead of the storm.',
                 [C('evacuated 12,000 residents', 12000, None, 12000, 12000, 'exact', 'displaced',
                    'civilians', 'residents', 'event_total', None)],
                 id='evacuated-verb'),
    pytest.param('Of the 53 people killed, 30 were civilians.',
                 [C('53 people killed', 53, None, 53, 53, 'exact', 'killed', 'all', 'people',
                    'event_total', None),
                  C('30 were civilians', 30, None, 30, 30, 'exact', 'killed', 'civilians',
                     'civilians', 'event_part', None)],
                 id='of-the-n-people-killed'),
    pytest.param('The toll included 8 security personnel and 14 gunmen.',
                 [C('8 security personnel', 8, None, 8, 8, 'exact', 'killed', 'state_forces',
                    'security personnel', 'event_part', None),
                  C('14 gunmen', 14, None, 14, 14, 'exact', 'killed', 'armed_group', 'gunmen',
                     'event_part', None)],
                 id='toll-included'),
    pytest.param('The death toll from the 7.7-magnitude earthquake rose to 3,085 on Thursday, '
                 'the military government said.',
                 [C('death toll from the 7.7-magnitude earthquake rose to 3,085', 3085, None, 3085,
                    3085, 'exact', 'killed', 'all', None, 'event_total', 'military')],
                 id='toll-noun-digits-between'),
    pytest.param("The strike killed at least 27 people, according to the territory's civil "
                 'defence agency.',
                 [C('killed at least 27 people', 27, None, 27, None, 'at_least', 'killed', 'all',
                    'people', 'event_total', 'Civil Defence')],
                 id='according-to-possessive'),
    pytest.param('ISLAMABAD (Reuters) - Floods killed 25 people in the north, the disaster '
                 'management authority said.',
                 [C('killed 25 people', 25, None, 25, 25, 'exact', 'killed', 'all', 'people',
                    'event_total', 'disaster agency')],
                 id='dateline-agency-then-source'),
    pytest.param('Local media reported that 22 people had died.',
                 [C('22 people had died', 22, None, 22, 22, 'exact', 'killed', 'all', 'people',
                    'event_total', 'local media')],
                 id='local-media'),
    pytest.param('Medics said at least 12 people were killed.',
                 [C('at least 12 people were killed', 12, None, 12, None, 'at_least', 'killed',
                    'all', 'people', 'event_total', 'medics')],
                 id='medics'),
    pytest.param('Witnesses said at least 30 people were shot dead.',
                 [C('at least 30 people were shot dead', 30, None, 30, None, 'at_least', 'killed',
                    'all', 'people', 'event_total', 'witnesses')],
                 id='witnesses'),
    pytest.param('The military said 9 soldiers were killed in the fighting.',
                 [C('9 soldiers were killed', 9, None, 9, 9, 'exact', 'killed', 'state_forces',
                    'soldiers', 'event_total', 'military')],
                 id='military-said'),
    pytest.param("Ukraine's emergency service said 8 people were injured.",
                 [C('8 people were injured', 8, None, 8, 8, 'exact', 'injured', 'all', 'people',
                    'event_total', 'emergency services')],
                 id='emergency-service'),
    pytest.param('The war has killed tens of thousands and displaced over 12 million people.',
                 [C('killed tens of thousands', None, 'thousands', 20000, 99999, 'exact', 'killed',
                    'all', None, 'background', None),
                  C('displaced over 12 million people', 12000000, None, 12000001, None,
                     'more_than', 'displaced', 'all', 'people', 'background', None)],
                 id='war-has-killed-background'),
    pytest.param('Overall, the 18-month war has killed at least 20,000 people in Sudan.',
                 [C('killed at least 20,000 people', 20000, None, 20000, None, 'at_least',
                    'killed', 'all', 'people', 'background', None)],
                 id='n-month-war-background'),
    pytest.param('The attack was the worst since 2017, when 300 people were killed in a truck '
                 'bombing.',
                 [C('300 people were killed', 300, None, 300, 300, 'exact', 'killed', 'all',
                    'people', 'background', None)],
                 id='year-when-background'),
    pytest.param('It was the deadliest quake since the 2011 disaster that killed 300 people.',
                 [C('killed 300 people', 300, None, 300, 300, 'exact', 'killed', 'all', 'people',
                    'background', None)],
                 id='earlier-disaster-background'),
    pytest.param('The death toll from the earthquake has risen to 2,314, the disaster agency said.',
                 [C('death toll from the earthquake has risen to 2,314', 2314, None, 2314, 2314,
                    'exact', 'killed', 'all', None, 'event_total', 'disaster agency')],
                 id='risen-to'),
    pytest.param('A second strike hit the camp on Sunday, raising the toll to 61.',
                 [C('toll to 61', 61, None, 61, 61, 'exact', 'killed', 'all', None, 'event_total',
                    None)],
                 id='raising-toll'),
    pytest.param('Kyiv Strike: 5 Dead, 32 Injured',
                 [C('5 Dead', 5, None, 5, 5, 'exact', 'killed', 'all', None, 'event_total', None),
                  C('32 Injured', 32, None, 32, 32, 'exact', 'injured', 'all', None, 'event_total',
                     None)],
                 id='headline-dead-injured'),
    pytest.param('The storm left 17 dead and dozens injured across three provinces.',
                 [C('17 dead', 17, None, 17, 17, 'exact', 'killed', 'all', None, 'event_total',
                    None),
                  C('dozens injured', None, 'dozens', 24, 99, 'exact', 'injured', 'all', None,
                     'event_total', None)],
                 id='left-dead-dozens-injured'),
    pytest.param('The fire claimed the lives of 9 residents of the tower block.',
                 [C('claimed the lives of 9 residents', 9, None, 9, 9, 'exact', 'killed',
                    'civilians', 'residents', 'event_total', None)],
                 id='claimed-lives-of'),
    pytest.param('The bodies of 12 migrants were recovered off the coast of Lampedusa.',
                 [C('bodies of 12 migrants', 12, None, 12, 12, 'exact', 'killed', 'civilians',
                    'migrants', 'event_total', None)],
                 id='bodies-of-migrants'),
    pytest.param('Authorities said 43 people were confirmed dead after the train derailed.',
                 [C('43 people were confirmed dead', 43, None, 43, 43, 'exact', 'killed', 'all',
                    'people', 'event_total', 'officials')],
                 id='confirmed-dead'),
    pytest.param('The tornado outbreak left a toll of 36 across four states.',
                 [C('toll of 36', 36, None, 36, 36, 'exact', 'killed', 'all', None, 'event_total',
                    None)],
                 id='a-toll-of'),
    pytest.param('The number of victims climbed to 80 on Wednesday.',
                 [C('number of victims climbed to 80', 80, None, 80, 80, 'exact', 'killed', 'all',
                    None, 'event_total', None)],
                 id='number-of-victims'),
    pytest.param('Witnesses said 23 villagers were massacred by gunmen overnight.',
                 [C('23 villagers were massacred by gunmen overnight', 23, None, 23, 23, 'exact',
                    'killed', 'civilians', 'villagers', 'event_total', 'witnesses')],
                 id='massacred'),
    pytest.param('Russian shelling killed 5 civilians in Kherson on Tuesday, the regional '
                 'governor said.',
                 [C('killed 5 civilians', 5, None, 5, 5, 'exact', 'killed', 'civilians',
                    'civilians', 'event_total', 'governor')],
                 id='russian-shelling'),
    pytest.param('Twelve members of the security forces were killed in the ambush.',
                 [C('Twelve members of the security forces were killed', 12, None, 12, 12, 'exact',
                    'killed', 'state_forces', 'members of the security forces', 'event_total',
                    None)],
                 id='members-of-security-forces'),
    pytest.param('Dozens of RSF fighters were killed in the battle for El Fasher.',
                 [C('Dozens of RSF fighters were killed', None, 'dozens', 24, 99, 'exact',
                    'killed', 'armed_group', 'RSF fighters', 'event_total', None)],
                 id='rsf-fighters'),
    pytest.param('The Israeli military said its troops killed 20 Hamas fighters in Rafah.',
                 [C('killed 20 Hamas fighters', 20, None, 20, 20, 'exact', 'killed', 'armed_group',
                    'Hamas fighters', 'event_total', 'military')],
                 id='hamas-fighters'),
    pytest.param('Two Ukrainians were killed in a drone attack on Odesa.',
                 [C('Two Ukrainians were killed', 2, None, 2, 2, 'exact', 'killed', 'all',
                    'Ukrainians', 'event_total', None)],
                 id='nationality'),
    pytest.param('No fewer than 40 people died in the stampede.',
                 [C('No fewer than 40 people died', 40, None, 40, None, 'at_least', 'killed',
                    'all', 'people', 'event_total', None)],
                 id='no-fewer-than'),
    pytest.param('Upwards of 2,000 people are feared dead.',
                 [C('Upwards of 2,000 people are feared dead', 2000, None, 2001, None, 'more_than',
                    'killed', 'all', 'people', 'event_total', None)],
                 id='upwards-of'),
    pytest.param('At most 20 people were hurt, the mayor said.',
                 [C('At most 20 people were hurt', 20, None, None, 20, 'up_to', 'injured', 'all',
                    'people', 'event_total', 'mayor')],
                 id='at-most'),
    pytest.param('Tens of thousands of people were displaced by the fighting.',
                 [C('Tens of thousands of people were displaced by the fighting', None,
                    'thousands', 20000, 99999, 'exact', 'displaced', 'all', 'people',
                    'event_total', None)],
                 id='tens-of-thousands'),
    pytest.param('Four soldiers were taken prisoner and two are missing in action.',
                 [C('Four soldiers were taken prisoner', 4, None, 4, 4, 'exact', 'captured',
                    'state_forces', 'soldiers', 'event_total', None),
                  C('two are missing', 2, None, 2, 2, 'exact', 'missing', 'all', None,
                     'event_total', None)],
                 id='taken-prisoner-missing'),
    pytest.param('Hamas took about 250 hostages into Gaza during the attack.',
                 [C('about 250 hostages', 250, None, 225, 275, 'approx', 'captured', 'all', None,
                    'event_total', None)],
                 id='hostages'),
    pytest.param('Troops detained 35 suspected militants in a sweep.',
                 [C('detained 35 suspected militants', 35, None, 35, 35, 'exact', 'arrested',
                    'armed_group', 'suspected militants', 'event_total', None)],
                 id='detained-suspected-militants'),
    pytest.param('Myanmar quake death toll passes 2,000',
                 [C('death toll passes 2,000', 2000, None, 2001, None, 'more_than', 'killed',
                    'all', None, 'event_total', None)],
                 id='headline-passes'),
    pytest.param('Sudan: RSF attack on Zamzam camp leaves 100+ dead',
                 [C('100+ dead', 100, None, 100, None, 'at_least', 'killed', 'all', None,
                    'event_total', None)],
                 id='headline-plus'),
    pytest.param('Hundreds evacuated as wildfire spreads',
                 [C('Hundreds evacuated', None, 'hundreds', 200, 999, 'exact', 'displaced', 'all',
                    None, 'event_total', None)],
                 id='headline-evacuated'),
    pytest.param('Israeli strikes across Gaza killed at least 50 Palestinians overnight, '
                 'including 22 in a single strike on a house in Khan Younis.',
                 [C('killed at least 50 Palestinians', 50, None, 50, None, 'at_least', 'killed',
                    'all', 'Palestinians', 'event_total', None),
                  C('22', 22, None, 22, 22, 'exact', 'killed', 'all', None, 'event_part', None)],
                 id='total-including-in-single-strike'),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_unseen_claims(text, expected):
    df = run(text, **DAYS)
    assert _project(df) == expected
    for r in df.iter_rows(named=True):
        assert text[r["start"]:r["end"]] == r["quote"]


NEGATIVE = [
    pytest.param("A 45-year-old man was killed when the wall collapsed.", id="age-hyphen"),
    pytest.param("Among those killed was a boy aged 12.", id="aged"),
    pytest.param("In 2023, floods killed many in the region.", id="year"),
    pytest.param("On March 7 gunmen killed several villagers.", id="date"),
    pytest.param("For 13 years the conflict has killed and displaced civilians.", id="duration"),
    pytest.param("Two decades of fighting have killed many.", id="decades"),
    pytest.param("Gunmen set fire to 3 vehicles and killed a driver.", id="vehicles"),
    pytest.param("The assault hit 12 villages, killing an unknown number of people.",
                 id="villages"),
    pytest.param("5 buildings collapsed, and the dead are still being counted.", id="buildings"),
    pytest.param("200 homes were destroyed but nobody was killed.", id="homes"),
    pytest.param("1,000 troops were deployed to the area after the killings.", id="deployed"),
    pytest.param("3,000 police officers were mobilised after the deadly riots.", id="mobilised"),
    pytest.param("Thousands protested in the capital against the killings.", id="protested"),
    pytest.param("Hundreds attended the funeral of the slain journalist.", id="funeral"),
    pytest.param("50 rescuers were sent to search for the missing.", id="rescuers-sent"),
    pytest.param("Fighters blocked Route 4 after the killings.", id="route"),
    pytest.param("Resolution 2254 calls for an end to the killing.", id="resolution"),
    pytest.param("The EU pledged $5 million for the injured.", id="money"),
    pytest.param("Around 40% of the dead were children.", id="percent"),
    pytest.param("The quake was felt 100 km away, but no deaths were reported.", id="km"),
    pytest.param("The city, with a population of 2 million, mourned its dead.", id="population"),
    pytest.param("The blast happened at 7 a.m., killing a guard.", id="clock"),
    pytest.param("Families of the missing can call 0800 555 0199 or 112.", id="phone"),
    pytest.param("Article 51 permits self-defence, the minister said of the killings.",
                 id="article"),
    pytest.param("An F-16 was shot down over the border.", id="aircraft-name"),
    pytest.param("More people died of COVID-19 that year than in the war.", id="covid"),
    pytest.param("G7 leaders condemned the killing of aid workers.", id="g7"),
    pytest.param("One of the injured was a child.", id="one-of-the-injured"),
    pytest.param("One person familiar with the matter said the death toll was rising.",
                 id="one-person-familiar"),
    pytest.param("At least 20 people were buried under the rubble of the collapsed building.",
                 id="buried-under-rubble"),
    pytest.param("Rescuers said 15 people remain trapped under the debris.", id="trapped"),
    pytest.param("A handful of people were injured.", id="handful"),
    pytest.param("About 1,500 people are sheltering in schools after fleeing the fighting.",
                 id="sheltering"),
    pytest.param("The three gunmen fled in a car after the killings.", id="gunmen-fled"),
    pytest.param("Two suspects fled the scene as officers arrived.", id="fled-the-scene"),
    pytest.param("About 70 people were rescued from the collapsed building.", id="rescued"),
    pytest.param("The ministry said 15,000 troops were deployed and 2,000 police officers were "
                 "put on alert after the deaths.", id="deployed-and-on-alert"),
    pytest.param("Army chief said 300 soldiers were sent to the region after the killings.",
                 id="soldiers-sent"),
    pytest.param("The 24-hour curfew followed the deaths.", id="hour-hyphen"),
    pytest.param("The strike killed Hezbollah's No. 2 commander.", id="number-rank"),
    pytest.param("More than 90 per cent of the dead were civilians.", id="per-cent"),
    pytest.param("The two sides exchanged 390 prisoners each.", id="exchanged-prisoners"),
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_unseen_no_claims(text):
    assert run(text, **DAYS).is_empty()


def test_article_strike_with_war_background():
    """A strike's toll, its part and the whole war's toll in one article."""
    text = ("Israeli strike on Gaza school kills 27\n"
            "An air strike on a school sheltering displaced families killed at least 27 people "
            "on Thursday, including 11 children, according to the territory's civil defence "
            "agency.\n"
            "Medics at the hospital said 54 wounded people had been brought in.\n"
            "The war has killed more than 44,000 Palestinians, the Gaza health ministry says.")
    got = [(r["quote"], r["number"], r["outcome"], r["group"], r["scope"], r["source"])
           for r in run(text, **DAYS).iter_rows(named=True)]
    assert got == [
        ("kills 27", 27, "killed", "all", "event_total", "Civil Defence"),
        ("killed at least 27 people", 27, "killed", "all", "event_total", "Civil Defence"),
        ("11 children", 11, "killed", "civilians", "event_part", "Civil Defence"),
        ("54 wounded people", 54, "injured", "all", "event_total", "medics"),
        ("killed more than 44,000 Palestinians", 44000, "killed", "all", "background",
         "Health Ministry"),
    ]


def test_article_quake_with_village_part_and_past_quake():
    text = ("Quake toll tops 3,000\n"
            "The death toll from the 7.7-magnitude earthquake rose to 3,085 on Thursday, the "
            "military government said, with 4,715 injured and 341 missing.\n"
            "In Mandalay alone, more than 1,000 bodies have been recovered, local media "
            "reported.\n"
            "Rescuers pulled a 26-year-old man alive from the rubble after 108 hours.\n"
            "It is the deadliest quake in the country since 1912, when 500 people were killed.")
    got = [(r["number"], r["qualifier"], r["outcome"], r["scope"], r["source"])
           for r in run(text, **DAYS).iter_rows(named=True)]
    assert got == [
        (3000, "more_than", "killed", "event_total", None),
        (3085, "exact", "killed", "event_total", "military"),
        (4715, "exact", "injured", "event_total", "military"),
        (341, "exact", "missing", "event_total", "military"),
        (1000, "more_than", "killed", "event_part", "local media"),
        (500, "exact", "killed", "background", None),
    ]


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        pytest.param("outcomes.yaml", "'hospitali[sz]ed'", "'hospitali[sz]ed('",
                     "words.injured", id="bad-regex-new-word"),
        pytest.param("scope.yaml", "(?<=\\d\\d\\d\\d),", "(?<=\\d+),", "background",
                     id="variable-lookbehind"),
    ],
)
def test_rule_typo_names_file_and_key(tmp_path, monkeypatch, file, old, new, key):
    broken = tmp_path / file
    shutil.copy(rules_path(file), broken)
    content = broken.read_text(encoding="utf-8")
    assert old in content
    broken.write_text(content.replace(old, new, 1), encoding="utf-8")
    attr = {"outcomes.yaml": "OUTCOME_FILE", "scope.yaml": "SCOPE_FILE"}[file]
    monkeypatch.setattr(claims_mod, attr, str(broken))
    with pytest.raises(RuleError) as err:
        claims_mod.claim_rules.__wrapped__()
    assert file in str(err.value)
    assert err.value.key == key


def test_source_alias_typo_names_file_and_key(tmp_path, monkeypatch):
    broken = tmp_path / "sources.yaml"
    shutil.copy(rules_path("sources.yaml"), broken)
    content = broken.read_text(encoding="utf-8")
    broken.write_text(content.replace("  medics: ['medics'", "  medics: ['(medics'", 1),
                      encoding="utf-8")
    monkeypatch.setattr(claims_mod, "SOURCE_FILE", str(broken))
    with pytest.raises(RuleError, match=r"sources\.yaml, key 'sources\.medics'"):
        claims_mod.source_rules.__wrapped__()
