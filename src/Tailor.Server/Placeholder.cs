namespace Tailor.Server; internal static class Placeholder { }
