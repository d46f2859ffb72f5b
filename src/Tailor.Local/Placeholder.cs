namespace Tailor.Local; internal static class Placeholder { }
