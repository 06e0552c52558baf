//! Files: uploads through `sendPhoto`/`sendDocument`, files registered by the
//! test (`add_file`, standing in for what users sent), `getFile`, and the
//! download endpoint `GET /file/bot{token}/{file_path}`. File ids are per bot,
//! as on Telegram, so a bot cannot use another bot's file id.

use super::envelope::{ApiError, ApiResult};
use super::methods::Ctx;
use super::state::{BotState, Shared, StoredFile};
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// What kind of message a file is sent as; decides ids and paths.
pub(crate) enum Kind {
    Photo,
    Document,
}

/// A file as a sent message refers to it.
pub(crate) struct FileRef {
    pub file_id: String,
    pub file_unique_id: String,
    pub size: usize,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
}

/// Resolves the file parameter `key`: an upload, a known file id, or an HTTP
/// URL (which Telegram would fetch; the fake stores an empty file for it).
pub(crate) fn input(ctx: &Ctx, state: &mut BotState, key: &str, kind: Kind) -> Result<FileRef, ApiError> {
    if let Some(upload) = ctx.params.upload(key) {
        let (name, mime) = (upload.file_name.clone(), upload.mime_type.clone());
        return Ok(store_new(ctx.shared, state, kind, upload.data.clone(), name, mime));
    }
    let Some(reference) = ctx.params.str(key).filter(|s| !s.is_empty()) else {
        return Err(ApiError::bad_request(format!("there is no {key} in the request")));
    };
    if let Some(file) = state.files.get(&reference) {
        return Ok(FileRef {
            file_unique_id: file.file_unique_id.clone(),
            size: file.data.len(),
            file_name: file.file_name.clone(),
            mime_type: file.mime_type.clone(),
            file_id: reference,
        });
    }
    if reference.starts_with("http://") || reference.starts_with("https://") {
        let name = reference.rsplit('/').next().filter(|n| !n.is_empty()).map(str::to_owned);
        return Ok(store_new(ctx.shared, state, kind, Bytes::new(), name, None));
    }
    Err(ApiError::bad_request("wrong file identifier/HTTP URL specified"))
}

fn store_new(
    shared: &Shared,
    state: &mut BotState,
    kind: Kind,
    data: Bytes,
    file_name: Option<String>,
    mime_type: Option<String>,
) -> FileRef {
    let seq = shared.next_file_seq();
    let (file_id, file_path) = match kind {
        Kind::Photo => (format!("AgACAgIAAxkBAAI{seq:08}"), format!("photos/file_{seq}.jpg")),
        Kind::Document => {
            let ext = file_name.as_deref().and_then(|n| n.rsplit_once('.')).map(|(_, e)| format!(".{e}"));
            (format!("BQACAgIAAxkBAAI{seq:08}"), format!("documents/file_{seq}{}", ext.unwrap_or_default()))
        }
    };
    let file = FileRef {
        file_id: file_id.clone(),
        file_unique_id: format!("AQAD{seq:08}"),
        size: data.len(),
        file_name: file_name.clone(),
        mime_type: mime_type.clone(),
    };
    let stored = StoredFile { file_unique_id: file.file_unique_id.clone(), file_path, file_name, mime_type, data };
    insert(state, file_id, stored);
    file
}

/// Stores a file under `file_id`, reachable by getFile and by its path.
pub(crate) fn insert(state: &mut BotState, file_id: String, file: StoredFile) {
    state.file_paths.insert(file.file_path.clone(), file_id.clone());
    state.files.insert(file_id, file);
}

/// A file registered by the test, e.g. a document a user will send.
pub(crate) fn add(shared: &Shared, state: &mut BotState, file_id: &str, data: Vec<u8>) {
    let seq = shared.next_file_seq();
    let file = StoredFile {
        file_unique_id: format!("AQAD{seq:08}"),
        file_path: format!("documents/file_{seq}"),
        file_name: None,
        mime_type: None,
        data: Bytes::from(data),
    };
    insert(state, file_id.to_owned(), file);
}

/// The `photo` array of a message: three `PhotoSize`s, the largest being the
/// file itself; the smaller ones are registered too so getFile works on them.
pub(crate) fn photo_sizes(state: &mut BotState, file: &FileRef) -> Value {
    let data = state.files.get(&file.file_id).map(|f| f.data.clone()).unwrap_or_default();
    let mut sizes = Vec::with_capacity(3);
    for (tag, width, height) in [("s", 90, 67), ("m", 320, 240)] {
        let file_id = format!("{}_{tag}", file.file_id);
        let unique = format!("{}{tag}", file.file_unique_id);
        if !state.files.contains_key(&file_id) {
            let path = format!("photos/{unique}.jpg");
            let stored = StoredFile {
                file_unique_id: unique.clone(),
                file_path: path,
                file_name: None,
                mime_type: Some("image/jpeg".into()),
                data: data.clone(),
            };
            insert(state, file_id.clone(), stored);
        }
        let size = json!({"file_id": file_id, "file_unique_id": unique, "width": width, "height": height, "file_size": data.len()});
        sizes.push(size);
    }
    sizes.push(json!({
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "width": 800,
        "height": 600,
        "file_size": file.size,
    }));
    Value::Array(sizes)
}

/// The `document` object of a message.
pub(crate) fn document(file: &FileRef) -> Value {
    let mut doc = json!({"file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_size": file.size});
    if let Some(name) = &file.file_name {
        doc["file_name"] = json!(name);
    }
    if let Some(mime) = &file.mime_type {
        doc["mime_type"] = json!(mime);
    }
    doc
}

pub(crate) fn get_file(ctx: &Ctx) -> ApiResult {
    let file_id = ctx.params.required_str("file_id", "file_id is empty")?;
    let state = ctx.bot.state.lock().unwrap();
    let file = state.files.get(&file_id).ok_or_else(|| ApiError::bad_request("invalid file_id"))?;
    Ok(json!({
        "file_id": file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.data.len(),
        "file_path": file.file_path,
    }))
}

/// `GET /file/bot{token}/{file_path}`: `rest` is what follows `/file/bot`.
pub(crate) fn download(shared: &Shared, rest: &str) -> Response {
    let Some((token, path)) = rest.split_once('/') else {
        return ApiError::not_found(None).into_response();
    };
    let Some(bot) = shared.bot_by_token(token) else {
        return ApiError::unauthorized().into_response();
    };
    let state = bot.state.lock().unwrap();
    let file = state.file_paths.get(path).and_then(|id| state.files.get(id));
    match file {
        Some(file) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/octet-stream")], file.data.clone()).into_response()
        }
        None => ApiError::not_found(None).into_response(),
    }
}
