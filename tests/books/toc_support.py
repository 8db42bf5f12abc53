"""What the TOC tests share: PUT /toc answers the chapters as GET /toc does, less `content`."""


def without_content(chapters: list[dict]) -> list[dict]:
    """GET /toc's chapters (and subchapters) as PUT /toc answers them: without `content`."""

    def strip(node: dict) -> dict:
        stripped = {key: value for key, value in node.items() if key != "content"}
        if "subchapters" in node:
            stripped["subchapters"] = [strip(sub) for sub in node["subchapters"]]
        return stripped

    return [strip(chapter) for chapter in chapters]
