#!/usr/bin/env python3
"""Drives the reviewers' web page in headless Chromium (Selenium + Debian's chromium-driver).

usage: reviewer_page.py BASE_URL API_KEY [--screenshots DIR]

Signs in with the key, screens "Hikvision", checks that the Entity List entry is shown with its licence review
policy and the explanation of the match, opens the entry page and checks its licence requirement, review policy
and Federal Register citations, then opens the lists page. Exits non-zero, saying what was missing, on any failure.
"""
import argparse
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

HIKVISION_EL = "f095626c9f8becc70b5948507fb6de6e443b257a"


def fail(message):
    print("browser test: " + message, file=sys.stderr)
    sys.exit(1)


def screenshot(driver, directory, name):
    """Saves the page, the window fitted to its height."""
    if not directory:
        return
    driver.set_window_size(1200, 300)
    height = driver.execute_script("return document.documentElement.scrollHeight") + 140
    driver.set_window_size(1200, min(max(height, 400), 2400))
    driver.save_screenshot(f"{directory}/{name}.png")
    driver.set_window_size(1200, 1500)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("key")
    parser.add_argument("--screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--driver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1200,1500", "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=args.driver), options=options)
    wait = WebDriverWait(driver, 20)
    try:
        # Without a key the search page sends the browser to the sign-in form.
        driver.get(args.base + "/ui/search")
        wait.until(ec.presence_of_element_located((By.ID, "key")))
        if "/ui/login" not in driver.current_url:
            fail("an unsigned visit was not sent to /ui/login but to " + driver.current_url)
        screenshot(driver, args.screenshots, "login")

        # A wrong key is refused.
        driver.find_element(By.ID, "key").send_keys("vk_not_a_key")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "p.error")))

        driver.find_element(By.ID, "key").send_keys(args.key)
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        box = wait.until(ec.presence_of_element_located((By.NAME, "q")))

        box.send_keys("Hikvision")
        driver.find_element(By.CSS_SELECTOR, "form.search button").click()
        wait.until(ec.presence_of_element_located((By.ID, "summary")))
        results = driver.find_elements(By.CSS_SELECTOR, "li.result")
        entity_list = [r for r in results if r.get_attribute("data-entry") == HIKVISION_EL]
        if not entity_list:
            fail("the search for Hikvision did not show the Entity List entry; results: "
                 + ", ".join(r.get_attribute("data-entry") + "/" + r.get_attribute("data-source") for r in results))
        result = entity_list[0]
        if result.get_attribute("data-source") != "EL":
            fail("the Hikvision entry is not marked as Entity List")
        policy = result.find_element(By.CSS_SELECTOR, "p.policy").text
        if "Presumption of denial" not in policy or "Case-by-case review" not in policy:
            fail("the result's licence review policy reads: " + policy)
        result.find_element(By.TAG_NAME, "summary").click()
        pairs = result.find_elements(By.CSS_SELECTOR, "table.why tbody tr")
        if not any("hikvision" in row.text.lower() for row in pairs):
            fail("the explanation does not show which words matched")
        screenshot(driver, args.screenshots, "search")

        result.find_element(By.CSS_SELECTOR, "h2 a").click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "article.listing")))
        page = driver.find_element(By.CSS_SELECTOR, "article.listing")
        if "Hikvision" not in page.find_element(By.TAG_NAME, "h1").text:
            fail("the entry page's heading is " + page.find_element(By.TAG_NAME, "h1").text)
        text = page.text
        for expected in ("Licence required", "A licence is required for all items subject to the EAR",
                         "Presumption of denial", "84 FR 54002", "Hangzhou", "Every field"):
            if expected not in text:
                fail("the entry page does not show " + repr(expected))
        screenshot(driver, args.screenshots, "entry")

        driver.find_element(By.LINK_TEXT, "Lists").click()
        rows = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "table.grid tbody tr")))
        if not any(row.text.startswith("EL") for row in rows):
            fail("the lists page does not show the Entity List's version")
        print("browser test: sign-in, search, entry page and lists page checked in " + driver.capabilities.get(
            "browserName", "chromium") + " " + driver.capabilities.get("browserVersion", ""))
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
