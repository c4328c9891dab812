/* pacman's `vercmp` command, for machines whose pacman package leaves it out (Debian 12's
 * pacman-package-manager does). It prints what libalpm's own comparison returns, so the
 * differential test still checks ward against pacman's code. */
#include <stdio.h>

/* From alpm.h, declared here because that header needs libarchive's headers too. */
int alpm_pkg_vercmp(const char *a, const char *b);

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: vercmp VERSION1 VERSION2\n");
        return 1;
    }
    int result = alpm_pkg_vercmp(argv[1], argv[2]);
    printf("%d\n", result < 0 ? -1 : (result > 0 ? 1 : 0));
    return 0;
}
