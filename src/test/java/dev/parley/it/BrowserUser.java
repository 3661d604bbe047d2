package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A person at the browser chat page (parley.v2: rooms, private conversations), in headless Chromium. */
final class BrowserUser implements AutoCloseable {

    static final String CHROMEDRIVER = System.getProperty("chromedriver.path", "/usr/bin/chromedriver");
    static final String CHROMIUM = System.getProperty("chromium.path", "/usr/bin/chromium");

    private final WebDriver driver;
    private final WebDriverWait wait;

    BrowserUser(URI page) throws Exception {
        // no skipping: a machine without the browser fails the run (.ci/run installs it)
        assertTrue(new File(CHROMEDRIVER).canExecute() && new File(CHROMIUM).canExecute(),
                "Chromium is missing: apt-get install chromium chromium-driver");
        // explicit driver and browser: Selenium Manager never tries to download one
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        Path profile = Files.createTempDirectory(Path.of("target"), "chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1200,800", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        // the page re-renders its lists on every join and leave, so an element found may go stale
        wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        wait.ignoring(StaleElementReferenceException.class);
        driver.get(page.toString());
    }

    void join(String name) {
        driver.findElement(By.id("name")).sendKeys(name);
        driver.findElement(By.id("join")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        awaitConversation("#lobby");
    }

    /** Joins with a signed token, on a server that takes them: the server says who this is. */
    void joinWithToken(String token) {
        // set through script: a token is long, and typing it key by key is slow
        script("document.getElementById('token').value = arguments[0];", token);
        driver.findElement(By.id("join")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("text")));
        awaitConversation("#lobby");
    }

        /** Types {@code text} into the conversation shown, and sends it. */
    void say(String text) {
        WebElement input = driver.findElement(By.id("text"));
        // set through script: typing a long text key by key is slow, and the page reads the value
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", input, text);
        driver.findElement(By.id("send")).click();
    }

    /** Joins (or creates) {@code room} through the page's form; the page then shows it. */
    void joinRoom(String room) {
        driver.findElement(By.id("room-name")).sendKeys(room);
        driver.findElement(By.id("room-join")).click();
        awaitConversation("#" + room);
    }

    /** Shows a conversation: {@code #room}, or {@code @user} for a private one. */
    void show(String key) {
        awaitConversation(key);
        driver.findElement(By.cssSelector("button[data-conversation='" + key + "']")).click();
    }

    /** Opens the private conversation with {@code user} from the member list of the room shown. */
    void openPrivate(String user) {
        wait.until(d -> texts("#members li").contains(user));
        script("Array.from(document.querySelectorAll('#members li button')).find(b => b.textContent === arguments[0]).click();",
                user);
    }

    void awaitConversation(String key) {
        wait.until(d -> !d.findElements(By.cssSelector("button[data-conversation='" + key + "']")).isEmpty());
    }

    /** Waits until a line of the conversation {@code key} ends with {@code text}, read as text. */
    void awaitLine(String key, String text) {
        wait.until(d -> lines(key).stream().anyMatch(line -> line.endsWith(text)));
    }

    /** The lines of conversation {@code key}, a line each, read as the page shows them (time first). */
    List<String> lines(String key) {
        return texts(".log[data-conversation='" + key + "'] .line");
    }

    /** The lines of {@code key} still waiting for their ack. */
    List<String> pending(String key) {
        return texts(".log[data-conversation='" + key + "'] .line.pending");
    }

    /** Waits until no line of {@code key} waits for its ack. */
    void awaitNoPending(String key) {
        wait.until(d -> pending(key).isEmpty());
    }

    /** The unread count shown beside conversation {@code key}; empty when none. */
    String unread(String key) {
        return texts("button[data-conversation='" + key + "'] .unread").get(0);
    }

    /** Waits until the member list of the room shown is exactly {@code users}. */
    void awaitMembers(List<String> users) {
        wait.until(d -> texts("#members li").equals(users));
    }

    boolean bannerShown() {
        return (Boolean) script("return !document.getElementById('banner').hidden;");
    }

    /** Waits for the banner to show or go; going may take the page's longest reconnect delay, 10 s. */
    void awaitBanner(boolean shown) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> bannerShown() == shown);
    }

    /** Presses keys as a keyboard does, into whatever has the focus. */
    void press(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** What has the focus: its id, else its text. */
    String focused() {
        return (String) script("const e = document.activeElement; return e.id || e.textContent;");
    }

    /** Presses Tab (Shift+Tab when {@code backwards}) until {@code target} (as {@link #focused}) has the focus. */
    void tabTo(String target, boolean backwards) {
        for (int presses = 0; presses < 30 && !focused().equals(target); presses++) {
            press(backwards ? Keys.chord(Keys.SHIFT, Keys.TAB) : Keys.TAB);
        }
        assertEquals(target, focused(), "Tab never reached it");
    }

    /** The text of each element that {@code cssSelector} finds, read in one script so none goes stale. */
    @SuppressWarnings("unchecked")
    List<String> texts(String cssSelector) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);", cssSelector);
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    int elementsInLogs(String cssSelector) {
        return driver.findElement(By.id("logs")).findElements(By.cssSelector(cssSelector)).size();
    }

    /** Saves what the browser shows as a PNG. */
    void screenshot(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.write(to, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
