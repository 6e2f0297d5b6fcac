#!/usr/bin/env python3
"""Drives the reviewers' web page in headless Chromium (Selenium + Debian's chromium-driver).

usage: reviewer_page.py BASE_URL API_KEY DATA_DIR [--screenshots DIR]

Signs in with the key (an admin's), screens "Hikvision", checks that the Entity List entry is shown with its
licence review policy and the explanation of the match, opens the entry page and checks its licence requirement,
review policy and Federal Register citations, then opens the lists page.

Then a case's whole life through the pages: the search opened a case for the Entity List entry; the queue shows
it, its page clears it as a false positive (a form post without the session's token is refused), the same search
shows the hit as cleared; an amended Entity List (the May 2022 CSL from DATA_DIR with one more Hikvision address,
imported through the API) reopens it, naming the change; the page confirms it, and the search and the licence
check (API) show the party blocked. Exits non-zero, saying what was missing, on any failure.
"""
import argparse
import csv
import gzip
import io
import os
import sys
import time

import requests

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
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
    parser.add_argument("data")
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
    # A form post replaces the page: an element found on the old one goes stale while a wait reads it; the wait
    # then looks again instead of failing.
    wait = WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException])
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
        ownership_page(driver, wait, args)
        case_lifecycle(driver, wait, args)
        print("browser test: sign-in, search, entry page, lists page and a case from hit to blocked checked in "
              + driver.capabilities.get("browserName", "chromium") + " "
              + driver.capabilities.get("browserVersion", ""))
    finally:
        driver.quit()


def search(driver, wait, name):
    """Screens a name from the search page; returns the Hikvision Entity List result."""
    driver.get(driver.current_url.split("/ui/")[0] + "/ui/search")
    box = wait.until(ec.presence_of_element_located((By.NAME, "q")))
    box.clear()
    box.send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "form.search button").click()
    wait.until(ec.presence_of_element_located((By.ID, "summary")))
    found = [r for r in driver.find_elements(By.CSS_SELECTOR, "li.result")
             if r.get_attribute("data-entry") == HIKVISION_EL]
    if not found:
        fail(f"the search for {name} no longer shows the Entity List entry")
    return found[0]


def case_state(result):
    """The case state a search result shows, and its case id."""
    marks = result.find_elements(By.CSS_SELECTOR, ".case-state")
    if not marks:
        fail("the result shows no case: " + result.text[:200])
    # Lower-cased: the page's style capitalises it, and Selenium reads text as shown.
    return marks[0].text.lower(), marks[0].get_attribute("data-case")


def amended_entity_list(data_dir):
    """The May 2022 CSL with one more address on the Hikvision Entity List entry, gzipped."""
    with gzip.open(os.path.join(data_dir, "csl", "consolidated-2022-05.csv.gz"), "rt", encoding="utf-8",
                   newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    ident, addresses = header.index("_id"), header.index("addresses")
    changed = 0
    for row in rows[1:]:
        if row and row[ident] == HIKVISION_EL:
            row[addresses] += "; 1 Amended Road, Hangzhou, CN"
            changed += 1
    if changed != 1:
        fail(f"the CSL from {data_dir} has {changed} rows of the Hikvision entry")
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    return gzip.compress(text.getvalue().encode("utf-8"))


def ownership_page(driver, wait, args):
    # The server's ownership data (imported before it started) makes a company held 75 % by Hikvision's subsidiary
    # restricted under the Affiliates rule; its party page draws the chain.
    driver.get(args.base + "/ui/party?key=Kamera%20Handel%20GmbH%7C")
    section = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.ownership")))
    grounds = section.find_elements(By.CSS_SELECTOR, "div.ownership-ground")
    affiliates = [g for g in grounds if g.get_attribute("data-rule") == "BIS Affiliates rule"]
    if not affiliates or affiliates[0].get_attribute("data-restricted") != "true":
        fail("the party page does not show the Affiliates rule restricting the company: " + section.text)
    drawing = affiliates[0].find_element(By.CSS_SELECTOR, "svg.ownership")
    labels = [t.text for t in drawing.find_elements(By.TAG_NAME, "text")]
    for expected in ("Hangzhou Hikvision Digital Technology Co. Ltd.", "Hikvision Europe BV", "Kamera Handel GmbH",
                     "holds 75 %", "holds 100 %"):
        if expected not in labels:
            fail("the ownership drawing lacks " + repr(expected) + "; it reads " + repr(labels))
    if drawing.size["height"] < 150 or drawing.size["width"] < 300:
        fail("the ownership drawing is not drawn at its size: " + repr(drawing.size))
    screenshot(driver, args.screenshots, "ownership")
    # The screening page says the same of the name screened, though no list names the company.
    driver.get(args.base + "/ui/search?q=Kamera+Handel+GmbH")
    wait.until(ec.presence_of_element_located((By.ID, "summary")))
    sections = driver.find_elements(By.CSS_SELECTOR, "section.ownership svg.ownership")
    if not sections:
        fail("the search for Kamera Handel GmbH does not show whom it is owned by")


def case_lifecycle(driver, wait, args):
    base = args.base
    # The search above opened a case for the Entity List entry; the queue lists it, open.
    state, case_id = case_state(search(driver, wait, "Hikvision"))
    if state != "case {}: open".format(case_id):
        fail("the Hikvision hit's case reads " + state)
    driver.find_element(By.LINK_TEXT, "Cases").click()
    rows = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, "table.cases tbody tr")))
    row = [r for r in rows if r.get_attribute("data-case") == case_id]
    if not row or row[0].get_attribute("data-state") != "open":
        fail(f"the case queue does not list case {case_id} as open")
    screenshot(driver, args.screenshots, "cases")
    row[0].find_element(By.CSS_SELECTOR, "td a").click()
    wait.until(ec.presence_of_element_located((By.ID, "clear-form")))

    # A post carrying the session's cookie but not its token (what a forged form would send) is refused.
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    forged = requests.post(f"{base}/ui/cases/{case_id}/decide", cookies=cookies, allow_redirects=False,
                           data={"decision": "confirm", "note": "forged"})
    if forged.status_code != 403:
        fail(f"a decision posted without the form's token was answered {forged.status_code}")

    form = driver.find_element(By.ID, "clear-form")
    form.find_element(By.CSS_SELECTOR, "select[name=reason] option[value=different_country]").click()
    form.find_element(By.NAME, "note").send_keys("Our customer is a bakery in Lyon, France.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: d.find_element(By.ID, "case").get_attribute("data-state") == "cleared")
    history = driver.find_element(By.ID, "history").text
    if "different country" not in history or "bakery in Lyon" not in history:
        fail("the case history does not show the clearing with its reason and note: " + history)
    screenshot(driver, args.screenshots, "case-cleared")

    # The same search shows the hit, marked cleared with its case: never dropped.
    state, again = case_state(search(driver, wait, "Hikvision"))
    if again != case_id or "cleared" not in state:
        fail(f"after clearing, the search shows case {again} as {state}")

    # An amended entry (one more address) reopens the case, naming the change.
    imported = requests.post(f"{base}/v1/imports?filename=consolidated-amended.csv.gz",
                             data=amended_entity_list(args.data),
                             headers={"Authorization": "Bearer " + args.key,
                                      "Content-Type": "application/octet-stream"}, timeout=300)
    if imported.status_code != 201:
        fail(f"the amended list's import was answered {imported.status_code}: {imported.text[:300]}")
    deadline = time.time() + 30
    while True:
        state, again = case_state(search(driver, wait, "Hikvision"))
        if "open" in state or time.time() > deadline:
            break
        time.sleep(1)
    if again != case_id or "open" not in state:
        fail(f"after the entry was amended, the search shows case {again} as {state}")
    driver.get(f"{base}/ui/cases/{case_id}")
    reopened = wait.until(ec.presence_of_element_located((By.ID, "reopened"))).text
    if "address" not in reopened:
        fail("the reopened case does not name the change: " + reopened)

    form = driver.find_element(By.ID, "confirm-form")
    form.find_element(By.NAME, "note").send_keys("Same company: the address matches our shipping papers.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: d.find_element(By.ID, "case").get_attribute("data-state") == "confirmed")
    actions = [r.get_attribute("data-action") for r in driver.find_elements(By.CSS_SELECTOR, "table.events tbody tr")]
    if actions != ["confirmed", "reopened", "cleared", "opened"]:
        fail("the case history reads " + ", ".join(actions))
    screenshot(driver, args.screenshots, "case-confirmed")

    search(driver, wait, "Hikvision")
    if not driver.find_elements(By.ID, "blocked"):
        fail("after the case was confirmed, the search does not show the party blocked")
    screenshot(driver, args.screenshots, "search-blocked")
    check = requests.post(f"{base}/v1/check", headers={"Authorization": "Bearer " + args.key},
                          json={"parties": [{"name": "Hikvision"}], "items": [{"eccn": "EAR99"}]}, timeout=60)
    if check.status_code != 200 or not any(p.get("blocked") for p in check.json().get("parties", [])):
        fail(f"the licence check does not show the party blocked: {check.status_code} {check.text[:300]}")

    driver.find_element(By.PARTIAL_LINK_TEXT, "this party").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.party")))
    if len(driver.find_elements(By.CSS_SELECTOR, "table.screenings tbody tr")) < 5:
        fail("the party page does not list the party's screenings")
    screenshot(driver, args.screenshots, "party")


if __name__ == "__main__":
    main()
