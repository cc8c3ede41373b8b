"""A county supervisor checks a tree workbook on a phone, then imports it with updates (#17)."""

import pytest
from playwright.sync_api import expect

from villages.models import Village
from villages.tests.test_imports import vrow, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_checks_then_imports_with_update(page, supervisor, village, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    path = tmp_path / "村.xlsx"
    path.write_bytes(
        workbook(
            villages=[
                vrow("370830102209", "新建村", households=88),
                vrow(village.code, "南旺村", households=999, population=None),
            ]
        )
    )
    page.goto(page.base_url + "/")
    page.get_by_label("用户名").fill("supervisor")
    page.get_by_label("密码").fill("correct-horse-9")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/villages/")
    page.get_by_role("link", name="从 Excel 导入").click()

    # Without the update option the existing village is refused, nothing is written.
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="仅检查").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("未保存任何数据")
    expect(page.locator("table")).to_contain_text("更新已有的乡镇和村")

    # The check with the option lists what would change, still writing nothing.
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    page.get_by_label("更新已有的乡镇和村").check()
    page.get_by_role("button", name="仅检查").click()
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_contain_text("尚未写入任何数据")
    expect(page.get_by_test_id("villages-created")).to_have_text("1")
    expect(page.get_by_test_id("villages-updated")).to_have_text("1")
    expect(preview).to_contain_text("户数")
    assert not Village.objects.filter(code="370830102209").exists()
    # Nothing wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The import itself: the file just checked, with the option it was checked with.
    page.get_by_role("button", name="导入已检查的文件").click()
    page.wait_for_url(page.base_url + "/villages/")
    expect(page.locator(".alert-success")).to_contain_text("新增村 1 个、更新 1 个")
    village.refresh_from_db()
    assert village.households == 999
    assert village.population > 0  # the blank cell left it as it was
