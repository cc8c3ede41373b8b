"""The footer of every printed page: "page N of M" in the document's language."""

from django.utils import translation

from reports.templatetags.report_print import page_counter


def test_the_page_counter_is_css_counters_between_translated_words():
    with translation.override("zh-hans"):
        assert page_counter() == '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
    with translation.override("en"):
        assert page_counter() == '"Page " counter(page) " of " counter(pages)'
