using CloudXpcs.Reporting.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace CloudXpcs.Reporting.Tests;

/// <summary>
/// Debian's chromium (headless, through chromium-driver and Selenium) opens the report from disk: every figure is
/// rendered, every local link resolves, the console has no error; a screenshot is kept in the test output folder.
/// scripts/setup.sh --test installs chromium; the test skips only where it is absent.
/// </summary>
[Collection(DemoRunCollection.Name)]
public sealed class BrowserTests(DemoRun demo)
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    [SkippableFact]
    public void Chromium_renders_every_figure_without_console_errors()
    {
        Skip.IfNot(File.Exists(Chromium) && File.Exists(ChromeDriver), $"{Chromium} or {ChromeDriver} missing (scripts/setup.sh --test installs them)");
        string run = demo.CopyRun("browser");
        demo.WriteComparison(run);
        demo.WriteInference(run);
        var summary = RunReport.Write(run);

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));

        driver.Navigate().GoToUrl(new Uri(summary.IndexPath).AbsoluteUri);

        var images = driver.FindElements(By.CssSelector("img, object"));
        Assert.Equal(DemoRun.ExpectedFigureCount(run), images.Count);
        var js = (IJavaScriptExecutor)driver;
        foreach (var image in images)
        {
            string src = image.GetAttribute("src") ?? "";
            var complete = js.ExecuteScript("return arguments[0].complete && arguments[0].naturalWidth;", image);
            Assert.True(Convert.ToInt64(complete) > 0, $"figure {src} did not render");
        }
        foreach (var link in driver.FindElements(By.CssSelector("[href], [src]")))
        {
            string url = link.GetAttribute("href") ?? link.GetAttribute("src") ?? "";
            var uri = new Uri(url);
            Assert.Equal("file", uri.Scheme);
            Assert.True(File.Exists(uri.LocalPath), $"broken link {url}");
        }
        var severe = driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level >= LogLevel.Severe).ToList();
        Assert.True(severe.Count == 0, string.Join("\n", severe.Select(e => e.Message)));

        string artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        string screenshot = Path.Combine(artifacts, "report-screenshot.png");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 0);
        Console.WriteLine($"report screenshot: {screenshot}");
        // Each figure as the browser shows it, for a person to look at (the figures a referee would see).
        foreach (var image in images)
        {
            js.ExecuteScript("arguments[0].scrollIntoView(true);", image);
            string name = Path.GetFileNameWithoutExtension(new Uri(image.GetAttribute("src") ?? image.GetAttribute("data") ?? "figure").LocalPath);
            string figure = Path.Combine(artifacts, $"shown-{name}.png");
            ((ITakesScreenshot)image).GetScreenshot().SaveAsFile(figure);
            Assert.True(new FileInfo(figure).Length > 0, $"no screenshot of {name}");
        }
        Console.WriteLine($"figure screenshots: {artifacts}/shown-*.png");
    }
}
