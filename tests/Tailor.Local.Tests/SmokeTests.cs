namespace Tailor.Local.Tests;
public class SmokeTests { [Fact] public void Builds() => Assert.True(true); }
