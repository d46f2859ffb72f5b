namespace Tailor; internal static class Placeholder { }
