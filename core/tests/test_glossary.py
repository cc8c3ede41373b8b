"""The glossary holds: every choice label reads as its glossary term in Chinese, the catalogue
gives every glossary term, and no template writes a state's name itself."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation

from core.glossary import GLOSSARY, STATES

ZH = "zh-hans"


def project_models():
    """The models of this project's apps (not Django's or a library's), history events included."""
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if root in path.parents and ".venv" not in path.parts:
            yield from config.get_models()


def choice_fields():
    for model in project_models():
        for field in model._meta.get_fields():
            if getattr(field, "choices", None):
                yield f"{model._meta.label}.{field.name}", field


def msgid_and_chinese(label) -> tuple[str, str]:
    with translation.override("en"):
        msgid = str(label)
    with translation.override(ZH):
        return msgid, str(label)


def test_the_walk_sees_the_states_of_the_core_flow():
    names = {name for name, _field in choice_fields()}
    assert {"supervision.Problem.state", "cadres.Pledge.state", "ledgers.Voucher.state"} <= names


def test_every_choice_label_is_a_glossary_term_and_reads_as_it():
    missing, wrong = [], []
    for name, field in choice_fields():
        for _value, label in field.flatchoices:
            msgid, chinese = msgid_and_chinese(label)
            if msgid not in GLOSSARY:
                missing.append(f"{name}: {msgid!r} ({chinese})")
            elif chinese != GLOSSARY[msgid]:
                wrong.append(
                    f"{name}: {msgid!r} reads {chinese}, the glossary says {GLOSSARY[msgid]}"
                )
    assert not missing, "labels missing from core/glossary.py:\n" + "\n".join(sorted(set(missing)))
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_the_catalogue_gives_every_glossary_term():
    with translation.override(ZH):
        wrong = {
            m: (translation.gettext(m), t)
            for m, t in GLOSSARY.items()
            if translation.gettext(m) != t
        }
    assert not wrong, wrong


def test_the_labels_of_one_field_read_differently():
    # Two states of one record under one Chinese word could not be told apart on a badge.
    clashes = []
    for name, field in choice_fields():
        chinese = [msgid_and_chinese(label)[1] for _value, label in field.flatchoices]
        if len(set(chinese)) != len(chinese):
            clashes.append(f"{name}: {chinese}")
    assert not clashes, clashes


# ------------------------------------------------------------------ templates

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"]
#: what is not text a reader sees: comments, translated strings, tags, variables, markup
NOT_TEXT = [
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
    re.compile(r"<[^>]*>", re.S),
]


def template_files():
    for directory in TEMPLATE_DIRS:
        for path in sorted(directory.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                yield path


def visible_text(source: str) -> str:
    for pattern in NOT_TEXT:
        source = pattern.sub(" ", source)
    return source


def english_states_in(text: str) -> list[str]:
    return [m for m in STATES if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", text)]


def test_the_scan_finds_a_hard_coded_state():
    source = (
        '<span class="badge">Posted</span> {% translate "Draft" %} {{ v.state }}'
        "{# Draft #} <b>已销号</b>"
    )
    assert english_states_in(visible_text(source)) == ["Posted"]
    assert "已销号" in source and "Draft" not in visible_text(source)


def test_no_template_writes_a_state_name():
    chinese_states = set(STATES.values())
    found = []
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(settings.BASE_DIR)
        found += [f"{name}: {word}" for word in chinese_states if word in source]
        found += [f"{name}: {word!r}" for word in english_states_in(visible_text(source))]
    assert not found, "state names belong to the choices (get_FOO_display):\n" + "\n".join(found)
