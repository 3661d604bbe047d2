package dev.parley.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A person at the browser chat page, in headless Chromium. */
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
                "--no-first-run", "--window-size=1024,768", "--user-data-dir=" + profile.toAbsolutePath());
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
    }

    void say(String text) {
        sendTo("", text);
    }

    /** Sends privately to {@code to}, or to everyone when {@code to} is empty. */
    void sendTo(String to, String text) {
        wait.until(d -> new Select(d.findElement(By.id("to"))).getOptions().stream()
                .anyMatch(option -> option.getAttribute("value").equals(to)));
        new Select(driver.findElement(By.id("to"))).selectByValue(to);
        WebElement input = driver.findElement(By.id("text"));
        // set through script: typing a long text key by key is slow, and the page reads the value
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];", input, text);
        driver.findElement(By.id("send")).click();
    }

    /** Waits until a line of the conversation ends with {@code text}, read as text. */
    void awaitLine(String text) {
        wait.until(d -> lines().stream().anyMatch(line -> line.endsWith(text)));
    }

    /** The conversation, a line each, read as the page shows it. */
    List<String> lines() {
        return texts("#log .line");
    }

    /** Waits until the list of users online is exactly {@code users}. */
    void awaitUsers(List<String> users) {
        wait.until(d -> texts("#users li").equals(users));
    }

    /** The text of each element that {@code cssSelector} finds, read in one script so none goes stale. */
    @SuppressWarnings("unchecked")
    private List<String> texts(String cssSelector) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent);", cssSelector);
    }

    Object script(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    int elementsInLog(String cssSelector) {
        return driver.findElements(By.cssSelector("#log")).get(0).findElements(By.cssSelector(cssSelector)).size();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
