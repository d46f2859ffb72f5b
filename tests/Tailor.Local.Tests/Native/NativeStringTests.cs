using System.Runtime.InteropServices;
using System.Text;
using Tailor.Local.Native;

namespace Tailor.Local.Tests.Native;

/// <summary>
/// Strings the natives own are read up to their terminator and not a byte further: a chat template that ends just
/// before an unmapped page must not take the process down (a vectorised search over an open-ended span read past it).
/// </summary>
public sealed unsafe partial class NativeStringTests
{
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint address, nuint length);

    [Fact]
    public void A_string_that_ends_right_before_an_unmapped_page_is_read_whole()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "uses Linux mmap flags to place a guard page");
        nuint page = (nuint)Environment.SystemPageSize;
        nint pages = mmap(0, page * 2, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.NotEqual(-1, pages);
        try
        {
            Assert.Equal(0, mprotect(pages + (nint)page, page, 0)); // the second page: any read faults
            byte[] text = Encoding.UTF8.GetBytes("{{ messages }}\0");
            byte* at = (byte*)(pages + (nint)page - text.Length); // the terminator is the page's last byte
            text.CopyTo(new Span<byte>(at, text.Length));

            Assert.Equal("{{ messages }}", NativeInterop.Utf8(at));
        }
        finally
        {
            munmap(pages, page * 2);
        }
    }
}
