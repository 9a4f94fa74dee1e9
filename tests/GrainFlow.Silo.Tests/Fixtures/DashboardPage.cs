using GrainFlow.Testing.Polling;
using OpenQA.Selenium;

namespace GrainFlow.Silo.Tests.Fixtures;

/// <summary>
/// The web dashboard of one silo in the browser, as a user works it: open a page, wait until
/// something shows, click, type. Every wait polls a condition (the shared <see cref="Poll"/>).
/// </summary>
public sealed class DashboardPage(IWebDriver driver, Uri address)
{
    /// <summary>Where <see cref="Screenshot"/> saves its pictures (docs/images when taken by docs/images/take-screenshots.sh); unset, none are taken.</summary>
    public const string ScreenshotsVariable = "GRAINFLOW_SCREENSHOTS";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public IWebDriver Driver { get; } = driver;

    /// <summary>Loads a route of the dashboard afresh, e.g. "#/jobs/&lt;id&gt;" or "" for the jobs overview.</summary>
    public void Open(string route)
    {
        // Through a blank page, so a change of the route alone is a new load too (no banner or dialog of an earlier test).
        Driver.Navigate().GoToUrl("about:blank");
        Driver.Navigate().GoToUrl(new Uri(address, "/" + route));
    }

    /// <summary>The first element matching <paramref name="css"/> for which <paramref name="condition"/> holds, once there is one.</summary>
    public async Task<IWebElement> WaitForAsync(string css, Func<IWebElement, bool>? condition = null, string? what = null)
    {
        IWebElement? found = null;
        await Poll.UntilAsync(() =>
        {
            try
            {
                found = Driver.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed && (condition?.Invoke(e) ?? true));
                return found is not null;
            }
            catch (StaleElementReferenceException)
            {
                // The page re-rendered while it was read; the next poll reads the new one.
                return false;
            }
        }, what ?? $"the dashboard shows {css}", Timeout, () => $"banner: {Banner()}; page: {Text("main")}");
        return found!;
    }

    /// <summary>Waits until <paramref name="css"/> shows text containing <paramref name="text"/>; returns that text.</summary>
    public async Task<string> WaitForTextAsync(string css, string text) =>
        (await WaitForAsync(css, e => e.Text.Contains(text, StringComparison.Ordinal), $"{css} shows \"{text}\"")).Text;

    public async Task ClickAsync(string css) => (await WaitForAsync(css, e => e.Enabled, $"{css} can be clicked")).Click();

    /// <summary>The open confirmation dialog.</summary>
    public Task<IWebElement> DialogAsync() => WaitForAsync("dialog[open]");

    public async Task TypeAsync(string css, string text)
    {
        var input = await WaitForAsync(css);
        input.Clear();
        input.SendKeys(text);
    }

    /// <summary>Chooses the option with <paramref name="value"/> of the select <paramref name="css"/>.</summary>
    public async Task SelectAsync(string css, string value) => (await WaitForAsync($"{css} option[value='{value}']")).Click();

    /// <summary>The banner's text once it shows a notice (<paramref name="kind"/> "notice") or an error ("error") containing <paramref name="text"/>.</summary>
    public Task<string> BannerAsync(string kind, string text) => WaitForTextAsync($"#banner.{kind} #banner-text", text);

    public string Banner() => Text("#banner");

    /// <summary>Saves a picture of the page as docs/images/&lt;name&gt;.png when <see cref="ScreenshotsVariable"/> names a folder.</summary>
    public void Screenshot(string name)
    {
        if (Environment.GetEnvironmentVariable(ScreenshotsVariable) is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        // The whole page, not just the window: the window grows to the page's height for the picture.
        var window = Driver.Manage().Window;
        var size = window.Size;
        var height = Convert.ToInt32(((IJavaScriptExecutor)Driver).ExecuteScript("return document.documentElement.scrollHeight;"), System.Globalization.CultureInfo.InvariantCulture);
        window.Size = new System.Drawing.Size(size.Width, Math.Max(size.Height, height + (size.Height - ViewportHeight())));
        try
        {
            ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(Path.Combine(folder, $"{name}.png"));
        }
        finally
        {
            window.Size = size;
        }
    }

    private int ViewportHeight() =>
        Convert.ToInt32(((IJavaScriptExecutor)Driver).ExecuteScript("return window.innerHeight;"), System.Globalization.CultureInfo.InvariantCulture);

    private string Text(string css)
    {
        try
        {
            return Driver.FindElements(By.CssSelector(css)).FirstOrDefault()?.Text ?? "(none)";
        }
        catch (WebDriverException e)
        {
            return $"(unreadable: {e.Message})";
        }
    }
}
